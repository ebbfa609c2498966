# aelab plot: hetrec-lastfm: relative Eq. 7 gap to exact vs rank (lambda, p selected for closed_form_approx)
if (!exists("svg_out")) svg_out = "approximation_gap_vs_rank.svg"
if (!exists("png_out")) png_out = "approximation_gap_vs_rank.png"
# Restyle freely and rerun in this folder:  gnuplot approximation_gap_vs_rank.gp
# Data: approximation_gap_vs_rank.dat (x = rank; "full" is placed at x = 400, right of the largest finite rank)
set title "hetrec-lastfm: relative Eq. 7 gap to exact vs rank (lambda, p selected for closed_form_approx)"
set xlabel "rank k"
set ylabel "(L - L_exact) / L_exact"
set logscale x
set xrange [6.666666666666667:300]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
set logscale y
set format y "%g"
set grid
set key outside right top
set pointsize 1
dodge = 0  # log10 shift between neighbouring series
set terminal svg size 960,600 dynamic noenhanced font "Helvetica,13" background rgb "white"
set output svg_out
plot "approximation_gap_vs_rank.dat" index 0 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#d62728" title "closed_form_approx", \
     "approximation_gap_vs_rank.dat" index 1 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#000000" title "admm_last", \
     "approximation_gap_vs_rank.dat" index 2 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "admm_best", \
     "approximation_gap_vs_rank.dat" index 3 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#2ca02c" title "zero_diagonal", \
     "approximation_gap_vs_rank.dat" index 4 using 1:2 with linespoints pointtype 7 linewidth 2 linecolor rgb "#1f77b4" title "unconstrained"
set terminal pngcairo size 960,600 noenhanced font "Helvetica,11" background rgb "white"
set output png_out
replot
unset output
