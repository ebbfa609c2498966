# aelab plot --combine: test nDCG@100 vs rank, one panel per results folder:
#   results/ml-latest-small
#   results/hetrec-lastfm
#   results/citeulike-a
#   results/gowalla-strong
if (!exists("svg_out")) svg_out = "figure1.svg"
if (!exists("png_out")) png_out = "figure1.png"
# Restyle freely and rerun in this folder:  gnuplot figure1.gp
set terminal svg size 1920,460 dynamic noenhanced font "Helvetica,12" background rgb "white"
set output svg_out
set multiplot layout 1,4
set ylabel "test nDCG@100"
set grid
set key bottom right
set pointsize 1
set title "ml-latest-small (5697 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:1500]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "full" 1000)
set arrow from 707.1067811865476, graph 0 to 707.1067811865476, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel1.dat" index 0 using ($1*10**(dodge*(-2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel1.dat" index 1 using ($1*10**(dodge*(-1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel1.dat" index 2 using ($1*10**(dodge*(-0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel1.dat" index 3 using ($1*10**(dodge*(0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#e377c2" title "zero_diagonal", \
     "figure1.panel1.dat" index 4 using ($1*10**(dodge*(1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel1.dat" index 5 using ($1*10**(dodge*(2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel1.dat" index 6 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "hetrec-lastfm (2828 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel2.dat" index 0 using ($1*10**(dodge*(-2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel2.dat" index 1 using ($1*10**(dodge*(-1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel2.dat" index 2 using ($1*10**(dodge*(-0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel2.dat" index 3 using ($1*10**(dodge*(0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#e377c2" title "zero_diagonal", \
     "figure1.panel2.dat" index 4 using ($1*10**(dodge*(1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel2.dat" index 5 using ($1*10**(dodge*(2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel2.dat" index 6 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "citeulike-a (16940 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel3.dat" index 0 using ($1*10**(dodge*(-2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel3.dat" index 1 using ($1*10**(dodge*(-1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel3.dat" index 2 using ($1*10**(dodge*(0))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel3.dat" index 3 using ($1*10**(dodge*(1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel3.dat" index 4 using ($1*10**(dodge*(2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel3.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "gowalla-strong (40981 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel4.dat" index 0 using ($1*10**(dodge*(-2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel4.dat" index 1 using ($1*10**(dodge*(-1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel4.dat" index 2 using ($1*10**(dodge*(0))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel4.dat" index 3 using ($1*10**(dodge*(1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel4.dat" index 4 using ($1*10**(dodge*(2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel4.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
unset multiplot
set terminal pngcairo size 1920,460 noenhanced font "Helvetica,10" background rgb "white"
set output png_out
set multiplot layout 1,4
set ylabel "test nDCG@100"
set grid
set key bottom right
set pointsize 1
set title "ml-latest-small (5697 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:1500]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "full" 1000)
set arrow from 707.1067811865476, graph 0 to 707.1067811865476, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel1.dat" index 0 using ($1*10**(dodge*(-2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel1.dat" index 1 using ($1*10**(dodge*(-1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel1.dat" index 2 using ($1*10**(dodge*(-0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel1.dat" index 3 using ($1*10**(dodge*(0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#e377c2" title "zero_diagonal", \
     "figure1.panel1.dat" index 4 using ($1*10**(dodge*(1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel1.dat" index 5 using ($1*10**(dodge*(2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel1.dat" index 6 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "hetrec-lastfm (2828 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel2.dat" index 0 using ($1*10**(dodge*(-2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel2.dat" index 1 using ($1*10**(dodge*(-1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel2.dat" index 2 using ($1*10**(dodge*(-0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel2.dat" index 3 using ($1*10**(dodge*(0.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#e377c2" title "zero_diagonal", \
     "figure1.panel2.dat" index 4 using ($1*10**(dodge*(1.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel2.dat" index 5 using ($1*10**(dodge*(2.5))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel2.dat" index 6 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "citeulike-a (16940 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel3.dat" index 0 using ($1*10**(dodge*(-2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel3.dat" index 1 using ($1*10**(dodge*(-1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel3.dat" index 2 using ($1*10**(dodge*(0))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel3.dat" index 3 using ($1*10**(dodge*(1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel3.dat" index 4 using ($1*10**(dodge*(2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel3.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
set title "gowalla-strong (40981 items)"
unset arrow
set xlabel "rank k"
set logscale x
set xrange [6.666666666666667:3000]
set xtics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "full" 2000)
set arrow from 1414.213562373095, graph 0 to 1414.213562373095, graph 1 nohead dashtype 3 linecolor rgb "#999999"
dodge = 0.012  # log10 shift between neighbouring series
plot "figure1.panel4.dat" index 0 using ($1*10**(dodge*(-2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#ff7f0e" title "admm", \
     "figure1.panel4.dat" index 1 using ($1*10**(dodge*(-1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#9467bd" title "exact", \
     "figure1.panel4.dat" index 2 using ($1*10**(dodge*(0))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#8c564b" title "closed_form_approx", \
     "figure1.panel4.dat" index 3 using ($1*10**(dodge*(1))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#7f7f7f" title "unconstrained", \
     "figure1.panel4.dat" index 4 using ($1*10**(dodge*(2))):2:3 with yerrorlines pointtype 7 linewidth 2 linecolor rgb "#bcbd22" title "edlae_full", \
     "figure1.panel4.dat" index 5 using 1:2 with lines dashtype 2 linewidth 2 linecolor rgb "#17becf" title "popularity"
unset multiplot
unset output
