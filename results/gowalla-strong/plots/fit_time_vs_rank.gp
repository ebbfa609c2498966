# aelab plot: gowalla-strong: training time vs rank (shared rank sweeps: time since the previous rank's model)
if (!exists("svg_out")) svg_out = "fit_time_vs_rank.svg"
if (!exists("png_out")) png_out = "fit_time_vs_rank.png"
# Restyle freely and rerun in this folder:  gnuplot fit_time_vs_rank.gp
# Data: fit_time_vs_rank.dat (x = rank; "full" is placed at x = 2000, right of the largest finite rank)
set title "gowalla-strong: training time vs rank (shared rank sweeps: time since the previous rank's model)"
set ylabel "training time (s)"
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
set logscale y
set format y "%g"
set grid
set key outside right top
set pointsize 1
dodge = 0  # log10 shift between neighbouring series
set terminal svg size 960,600 dynamic noenhanced font "Helvetica,13" background rgb "white"
set output svg_out
plot "fit_time_vs_rank.dat" index 0 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#2ca02c" title "edlae_full", \
     "fit_time_vs_rank.dat" index 1 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#d62728" title "closed_form_approx", \
     "fit_time_vs_rank.dat" index 2 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#000000" title "admm", \
     "fit_time_vs_rank.dat" index 3 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "exact", \
     "fit_time_vs_rank.dat" index 4 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#1f77b4" title "unconstrained", \
     "fit_time_vs_rank.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#ff7f0e" title "popularity"
set terminal pngcairo size 960,600 noenhanced font "Helvetica,11" background rgb "white"
set output png_out
replot
unset output
