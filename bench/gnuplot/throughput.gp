# Throughput (OK calls/s, median of rounds) vs calls in flight, one line per series.
# Called by bench/lib/plots.py with -e "datadir='...'; out='...'; series='name1 name2 ...'";
# each series is datadir/<name>.dat with columns: concurrency ok_throughput.
set terminal pngcairo noenhanced size 760,440 font ",9"
set output out
set title "Throughput vs concurrency (closed loop; one machine, one run)"
set xlabel "calls / clients / threads in flight"
set ylabel "OK per second"
set logscale xy 2
set logscale y 10
set xtics (1, 4, 16, 64)
set xrange [0.8:90]
set grid
set key outside right top
plot for [s in series] datadir."/".s.".dat" using 1:2 with linespoints lw 2 title s
