# `make bench`: decoders against the reference tools, plan time and RSS
# against guest memory, the kernel cache warm against cold
# (tests/bench/bench.sh; BENCH_ONLY=decode|plan|cache).  `make bench BENCH_WRITE=1`
# also rewrites BENCHMARKS.md and BENCHMARKS-plan.png; BENCH_PAIRS=N.
BENCH_WRITE ?= 0
BENCH_PAIRS ?= 7
bench: $(XBUILD) $(MKKERNEL)
	$(Q)XBUILD=$(abspath $(XBUILD)) MKKERNEL=$(abspath $(MKKERNEL)) \
		BENCH_WRITE=$(BENCH_WRITE) BENCH_PAIRS=$(BENCH_PAIRS) tests/bench/bench.sh
