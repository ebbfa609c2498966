#pragma once
// Running gnuplot on the scripts aelab writes (sweep plots, the Proposition plot). Every script takes
// its output file names from the variables svg_out and png_out, with defaults inside the script so
// that users can rerun `gnuplot NAME.gp` themselves; aelab passes temporary names and renames the
// images into place only when gnuplot succeeded, so an image is never half-written.
#include <string>

namespace aelab {

// The gnuplot executable on PATH, or "" when there is none.
std::string find_gnuplot();

// A gnuplot double-quoted string literal.
std::string gnuplot_quote(const std::string& text);

// The lines a script starts with so that `svg_out`/`png_out` default to "<stem>.svg"/"<stem>.png".
std::string gnuplot_output_defaults(const std::string& stem);

// Runs `gnuplot` on `dir`/`script` (working directory `dir`, output appended to dir/gnuplot.log) and
// moves `dir`/<stem>.svg and .png into place. Returns "" on success, else one line saying why.
std::string render_gnuplot_script(const std::string& gnuplot, const std::string& dir, const std::string& script);

}  // namespace aelab
