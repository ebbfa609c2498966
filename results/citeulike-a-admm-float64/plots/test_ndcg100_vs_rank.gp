# aelab plot: citeulike-a-admm-float64: test nDCG@100 vs rank (selected on validation nDCG@100; bars: standard error)
if (!exists("svg_out")) svg_out = "test_ndcg100_vs_rank.svg"
if (!exists("png_out")) png_out = "test_ndcg100_vs_rank.png"
# Restyle freely and rerun in this folder:  gnuplot test_ndcg100_vs_rank.gp
# Data: test_ndcg100_vs_rank.dat (x = rank; "full" is placed at x = 2000, right of the largest finite rank)
set title "citeulike-a-admm-float64: test nDCG@100 vs rank (selected on validation nDCG@100; bars: standard error)"
set ylabel "test nDCG@100"
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:1500]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000)
set grid
set key outside right top
set pointsize 1
dodge = 0.012  # log10 shift between neighbouring series
set terminal svg size 960,600 dynamic noenhanced font "Helvetica,13" background rgb "white"
set output svg_out
plot "test_ndcg100_vs_rank.dat" index 0 using ($1*10**(dodge*(-0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#000000" title "admm", \
     "test_ndcg100_vs_rank.dat" index 1 using ($1*10**(dodge*(0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#d62728" title "closed_form_approx"
set terminal pngcairo size 960,600 noenhanced font "Helvetica,11" background rgb "white"
set output png_out
replot
unset output
