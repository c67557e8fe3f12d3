# npd port transitions, paced open loop: latency percentiles vs offered rate (median of rounds).
# Called by bench/lib/plots.py with -e "datadir='...'; out='...'"; datadir/paced.dat has columns:
# target_rate p50_ms p99_ms p999_ms.
set terminal pngcairo noenhanced size 760,440 font ",9"
set output out
set title "npd durable port transitions, paced (latency from intended send time)"
set xlabel "offered rate (calls/s)"
set ylabel "latency (ms)"
set logscale y 10
set grid
set key left top
f = datadir."/paced.dat"
plot f using 1:2 with linespoints lw 2 title "p50", \
     f using 1:3 with linespoints lw 2 title "p99", \
     f using 1:4 with linespoints lw 2 title "p99.9", \
     5 with lines dt 2 lc rgb "red" title "p99 target at half max (5 ms)"
