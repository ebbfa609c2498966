# aelab plot: gowalla-strong: test Recall@50 vs rank (selected on validation nDCG@100; bars: standard error)
if (!exists("svg_out")) svg_out = "test_recall50_vs_rank.svg"
if (!exists("png_out")) png_out = "test_recall50_vs_rank.png"
# Restyle freely and rerun in this folder:  gnuplot test_recall50_vs_rank.gp
# Data: test_recall50_vs_rank.dat (x = rank; "full" is placed at x = 2000, right of the largest finite rank)
set title "gowalla-strong: test Recall@50 vs rank (selected on validation nDCG@100; bars: standard error)"
set ylabel "test Recall@50"
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
set grid
set key outside right top
set pointsize 1
dodge = 0.012  # log10 shift between neighbouring series
set terminal svg size 960,600 dynamic noenhanced font "Helvetica,13" background rgb "white"
set output svg_out
plot "test_recall50_vs_rank.dat" index 0 using ($1*10**(dodge*(-2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#2ca02c" title "edlae_full", \
     "test_recall50_vs_rank.dat" index 1 using ($1*10**(dodge*(-1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#d62728" title "closed_form_approx", \
     "test_recall50_vs_rank.dat" index 2 using ($1*10**(dodge*(0))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#000000" title "admm", \
     "test_recall50_vs_rank.dat" index 3 using ($1*10**(dodge*(1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "exact", \
     "test_recall50_vs_rank.dat" index 4 using ($1*10**(dodge*(2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#1f77b4" title "unconstrained", \
     "test_recall50_vs_rank.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#ff7f0e" title "popularity"
set terminal pngcairo size 960,600 noenhanced font "Helvetica,11" background rgb "white"
set output png_out
replot
unset output
