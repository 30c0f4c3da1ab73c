# scripts/figure.d/estimators.gp: the event studies of four estimators on one
# plot.  gnuplot -e "datafile='...'; outfile='...'" estimators.gp, datafile
# from estimators.sql: e, then estimate / low / high of the group-time ATT,
# TWFE, Sun & Abraham and imputation.
set terminal pngcairo size 1500,900 font 'DejaVu Sans,11' noenhanced
set output outfile
set title "Effect of Secure Communities activation on violent offences per 100,000: four event studies\n(every reporting agency, FBI CIUS Tables 8 and 10, 2006-2016; counties whose agencies cover at least 90% of residents every year;\n95% intervals; relative to the year before activation)" font ',13'
set xlabel 'years relative to activation (0 = activation year)'
set ylabel 'difference in violent offences per 100,000 residents'
set grid ytics lc rgb '#dddddd'
set key top right box opaque font ',10'
set xtics 1
set datafile missing 'NaN'
set xzeroaxis lt -1 lc rgb '#555555'
set arrow 1 from -0.5, graph 0 to -0.5, graph 1 nohead dt 3 lw 2 lc rgb 'black'
set bars small
plot datafile using ($1-0.27):2:3:4 with yerrorbars pt 7 ps 1.2 lw 1.5 lc rgb '#1f78b4' title "group-time ATT (Callaway & Sant'Anna, not-yet-activated controls)", \
     ''       using ($1-0.27):2 with lines lw 1.5 lc rgb '#1f78b4' notitle, \
     ''       using ($1-0.09):5:6:7 with yerrorbars pt 5 ps 1.1 lw 1.5 lc rgb '#e31a1c' title 'two-way fixed effects (county and year, ends binned)', \
     ''       using ($1-0.09):5 with lines lw 1.5 dt 2 lc rgb '#e31a1c' notitle, \
     ''       using ($1+0.09):8:9:10 with yerrorbars pt 9 ps 1.4 lw 1.5 lc rgb '#33a02c' title 'Sun & Abraham (2013 cohort as control)', \
     ''       using ($1+0.09):8 with lines lw 1.5 lc rgb '#33a02c' notitle, \
     ''       using ($1+0.27):11:12:13 with yerrorbars pt 13 ps 1.4 lw 1.5 lc rgb '#ff7f00' title 'imputation (Borusyak, Jaravel & Spiess)', \
     ''       using ($1+0.27):11 with lines lw 1.5 lc rgb '#ff7f00' notitle
