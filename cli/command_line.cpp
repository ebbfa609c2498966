#include "cli/command_line.hpp"

#include <algorithm>
#include <iostream>

#include "core/util/error.hpp"

namespace aelab::cli {

namespace {

// "usage: aelab run [options] CONFIG", the summary, then the arguments and options with their help.
class UsageFormatter : public CLI::Formatter {
 public:
  UsageFormatter() {
    label("Positionals", "arguments");
    column_width(30);
  }
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string line = "usage: " + name + " [options]";
    for (const CLI::Option* o : app->get_options([](const CLI::Option* o) { return o->get_positional(); }))
      line += " " + o->get_name();
    return line + "\n";
  }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string text = make_usage(app, name) + app->get_description() + "\n";
    const std::string positionals = make_positionals(app);
    if (!positionals.empty()) text += positionals;
    return text + make_groups(app, mode);
  }
};

// CLI11 words a failed check "--name: <message>"; aelab's checks say "expects ...", read as one
// phrase with the name. A value missing at the end, "--name: 1 required VALUE missing", becomes
// "--name expects VALUE".
std::string failure_text(const std::string& what) {
  const auto at = what.find(": expects ");
  if (at != std::string::npos) return what.substr(0, at) + what.substr(at + 1);
  const std::string required = ": 1 required ", missing = " missing";
  const auto r = what.find(required);
  if (r != std::string::npos && what.size() > r + required.size() + missing.size() &&
      what.compare(what.size() - missing.size(), missing.size(), missing) == 0)
    return what.substr(0, r) + " expects " +
           what.substr(r + required.size(), what.size() - missing.size() - r - required.size());
  return what;
}

}  // namespace

CommandLine::CommandLine(std::string command, std::string summary) : app(std::move(summary), command), command_(command) {
  app.formatter(std::make_shared<UsageFormatter>());
  app.option_defaults()->group("options")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", "this message");
  // Unknown options and surplus arguments are left over rather than errors, so that parse() can
  // name them in aelab's words.
  app.allow_extras();
}

CLI::Option* CommandLine::repeatable(const std::string& name, std::vector<std::string>& target,
                                     const std::string& value_name, const std::string& help) {
  return app.add_option(name, target, help + " (repeatable)")
      ->type_name(value_name)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->option_text(value_name);
}

CLI::Option* CommandLine::flag(const std::string& name, bool& target, const std::string& help) {
  return app.add_flag(name, target, help);
}

CLI::Option* CommandLine::positional(const std::string& name, std::string& target, const std::string& help) {
  return app.add_option(name, target, help)->required();
}

bool CommandLine::parse(const Arguments& args) {
  const std::string see = " (see " + command_ + " --help)";
  try {
    Arguments reversed(args.rbegin(), args.rend());  // CLI11 consumes the vector from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return false;
  } catch (const CLI::RequiredError& e) {
    throw Error(command_ + ": " + e.what() + see);
  } catch (const CLI::ParseError& e) {
    throw Error(command_ + ": " + failure_text(e.what()));
  }
  const std::vector<std::string> left = app.remaining();
  const auto unknown = std::find_if(left.begin(), left.end(), [](const std::string& a) { return a.size() > 1 && a[0] == '-'; });
  if (unknown != left.end()) throw Error(command_ + ": unknown option " + unknown->substr(0, unknown->find('=')) + see);
  if (!left.empty()) throw Error(command_ + ": unexpected argument \"" + left.front() + "\"" + see);
  return true;
}

}  // namespace aelab::cli
