# Proposition (SPEC 2.6): training squared error vs rank k, written by aelab.
# Re-render from this folder: gnuplot proposition.gp
if (!exists("svg_out")) svg_out = "proposition.svg"
if (!exists("png_out")) png_out = "proposition.png"
# columns: k, training SE, SE / bound
$bound << EOD
5 29968.644183747609 1
10 27435.135120708168 1
20 24159.047938244388 1
50 17772.999256980187 1
EOD
$arch1 << EOD
5 30229.99948942152 1.008720958614993
10 27979.896084148677 1.0198563251481609
20 25406.559889143391 1.0516374632844765
50 20111.807407884407 1.1315933296956435
EOD
$arch2 << EOD
5 30932.553844170528 1.0321639395667308
10 29256.774938064955 1.06639806253339
20 25330.480475998793 1.0484883568569769
50 19062.262432852396 1.0725405519479703
EOD
$arch3 << EOD
5 31438.112244303389 1.0490335182181079
10 27939.404636837346 1.0183804276490898
20 25917.884130235812 1.0728023801470727
50 19659.186824271732 1.1061265766131601
EOD
$arch4 << EOD
5 30310.081779939417 1.0113931612687694
10 28711.460738823182 1.0465215721555399
20 25555.094669963699 1.0577856683461988
50 18076.91132959423 1.0170996503302436
EOD
$arch5 << EOD
5 30346.672962831773 1.0126141435283607
10 27985.734971308142 1.0200691503131829
20 24611.859963630399 1.0187429581887288
50 18009.883326899508 1.0133283114737253
EOD
$arch6 << EOD
5 30288.64619659894 1.0106778942313603
10 27742.47933181603 1.0112025769056947
20 24278.169333543217 1.0049307156309855
50 17806.339281549495 1.0018758806033379
EOD
set terminal svg size 1000,900 dynamic font "sans,12"
set output svg_out
set multiplot layout 2,1 title "Training error of rank-k autoencoders (503 users x 5697 items): nothing may go below the linear bound" noenhanced
set xlabel "rank k (width of the last hidden layer)"
set logscale x
set grid
set key outside right top
set lmargin at screen 0.09
set rmargin at screen 0.72
set ylabel "training SE ||X - f(X)||_F^2" noenhanced
plot $bound using 1:2 with linespoints lw 3 lc rgb "black" pt 7 title "bound SE_lin(k) = linear AE at V_k" noenhanced, \
     $arch1 using 1:2 with linespoints lw 2 lc 1 pt 1 title "relu-1" noenhanced, \
     $arch2 using 1:2 with linespoints lw 2 lc 2 pt 2 title "relu-2" noenhanced, \
     $arch3 using 1:2 with linespoints lw 2 lc 3 pt 3 title "relu-3" noenhanced, \
     $arch4 using 1:2 with linespoints lw 2 lc 4 pt 4 title "tanh-1" noenhanced, \
     $arch5 using 1:2 with linespoints lw 2 lc 5 pt 5 title "tanh-2" noenhanced, \
     $arch6 using 1:2 with linespoints lw 2 lc 6 pt 6 title "tanh-3" noenhanced
set ylabel "SE / SE_lin (bound rank)" noenhanced
plot $bound using 1:3 with linespoints lw 3 lc rgb "black" pt 7 title "bound (ratio 1)" noenhanced, \
     $arch1 using 1:3 with linespoints lw 2 lc 1 pt 1 title "relu-1" noenhanced, \
     $arch2 using 1:3 with linespoints lw 2 lc 2 pt 2 title "relu-2" noenhanced, \
     $arch3 using 1:3 with linespoints lw 2 lc 3 pt 3 title "relu-3" noenhanced, \
     $arch4 using 1:3 with linespoints lw 2 lc 4 pt 4 title "tanh-1" noenhanced, \
     $arch5 using 1:3 with linespoints lw 2 lc 5 pt 5 title "tanh-2" noenhanced, \
     $arch6 using 1:3 with linespoints lw 2 lc 6 pt 6 title "tanh-3" noenhanced
unset multiplot
set terminal pngcairo size 1000,900 font "sans,11"
set output png_out
set multiplot layout 2,1 title "Training error of rank-k autoencoders (503 users x 5697 items): nothing may go below the linear bound" noenhanced
set xlabel "rank k (width of the last hidden layer)"
set logscale x
set grid
set key outside right top
set lmargin at screen 0.09
set rmargin at screen 0.72
set ylabel "training SE ||X - f(X)||_F^2" noenhanced
plot $bound using 1:2 with linespoints lw 3 lc rgb "black" pt 7 title "bound SE_lin(k) = linear AE at V_k" noenhanced, \
     $arch1 using 1:2 with linespoints lw 2 lc 1 pt 1 title "relu-1" noenhanced, \
     $arch2 using 1:2 with linespoints lw 2 lc 2 pt 2 title "relu-2" noenhanced, \
     $arch3 using 1:2 with linespoints lw 2 lc 3 pt 3 title "relu-3" noenhanced, \
     $arch4 using 1:2 with linespoints lw 2 lc 4 pt 4 title "tanh-1" noenhanced, \
     $arch5 using 1:2 with linespoints lw 2 lc 5 pt 5 title "tanh-2" noenhanced, \
     $arch6 using 1:2 with linespoints lw 2 lc 6 pt 6 title "tanh-3" noenhanced
set ylabel "SE / SE_lin (bound rank)" noenhanced
plot $bound using 1:3 with linespoints lw 3 lc rgb "black" pt 7 title "bound (ratio 1)" noenhanced, \
     $arch1 using 1:3 with linespoints lw 2 lc 1 pt 1 title "relu-1" noenhanced, \
     $arch2 using 1:3 with linespoints lw 2 lc 2 pt 2 title "relu-2" noenhanced, \
     $arch3 using 1:3 with linespoints lw 2 lc 3 pt 3 title "relu-3" noenhanced, \
     $arch4 using 1:3 with linespoints lw 2 lc 4 pt 4 title "tanh-1" noenhanced, \
     $arch5 using 1:3 with linespoints lw 2 lc 5 pt 5 title "tanh-2" noenhanced, \
     $arch6 using 1:3 with linespoints lw 2 lc 6 pt 6 title "tanh-3" noenhanced
unset multiplot
unset output
