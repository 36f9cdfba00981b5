# Shortcuts for the common checks (see DEVELOPERS.md).
.PHONY: test conformance operators-doc fuzz fuzz-build test-sanitize

# Every test on lavapipe with the validation layer on (what CI runs).
test:
	./scripts/test.sh

# All of onnx's light model tests, including the slow ones CI skips.
conformance:
	SLUICE_CONFORMANCE_ALL=1 swift test --filter Conformance

# Regenerates the operator coverage table from the registry (via a temporary file, so a failed
# build leaves the current table in place).
operators-doc:
	swift run sluice operators --markdown > docs/operators.md.tmp
	mv docs/operators.md.tmp docs/operators.md

# Reliability targets (see docs/RELIABILITY.md).
#   make fuzz                 every libFuzzer harness in Fuzz/ for FUZZ_SECONDS each
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=FuzzOnnxLoader
#   make test-sanitize        swift test under AddressSanitizer, then ThreadSanitizer
#   make test-sanitize QUICK=1   only the suites that need no GPU-heavy work

SWIFT ?= swift
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= FuzzOnnxLoader FuzzImageDecoder FuzzPipelineJSON FuzzBPETokenizer
# Where each run writes new inputs and crash artifacts; the committed corpora in
# Fuzz/Corpus/<target>/ are read-only seeds (fold findings back with -merge=1 by hand).
FUZZ_WORK ?= Fuzz/.build/fuzz-work
SANITIZERS ?= address thread

# Parsers, loaders, validator, tokenizer, engine accounting: CPU-bound suites that finish in
# minutes under a sanitizer (the operator suites run hundreds of GPU dispatches on lavapipe).
QUICK_FILTER ?= ModelLoaderTests|ExternalDataReaderTests|TensorFileTests|WireNestingScannerTests|GraphOrderingTests|ImageDecodeErrorTests|ImageDecoderRobustnessTests|ImageOrientationTests|TokenizerEncodeTests|TokenizerErrorTests|TokenizerStreamingDetokenizerTests|PipelineJSONTests|PipelineDefinitionTests|PipelineValidatorTests|BoundedChannelTests|PipelineEngineTests|Regression

ifeq ($(QUICK),1)
TEST_FILTER := --filter '$(QUICK_FILTER)'
endif


fuzz-build:
	cd Fuzz && $(SWIFT) build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

# Each target starts from its committed corpus plus what earlier runs found; the run stops at the
# first crash, timeout or out-of-memory (libFuzzer writes the input to $(FUZZ_WORK)/<target>/).
fuzz: fuzz-build
	@set -e; for target in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_WORK)/$$target/corpus; \
		echo "== $$target for $(FUZZ_SECONDS) s"; \
		Fuzz/.build/debug/$$target -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) \
			-timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_WORK)/$$target/ \
			$(FUZZ_WORK)/$$target/corpus Fuzz/Corpus/$$target; \
	done

# One scratch directory per sanitizer so switching between them does not rebuild everything.
# SLUICE_VALIDATION=1 as in scripts/test.sh; a fresh shader cache per run.
# Both sanitizers run even when the first reports failures; the target fails if either did.
test-sanitize:
	@status=0; for sanitizer in $(SANITIZERS); do \
		echo "== swift test --sanitize=$$sanitizer $(TEST_FILTER)"; \
		cache=$$(mktemp -d); \
		SLUICE_VALIDATION=1 SLUICE_CACHE_DIR=$$cache \
		LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
			$(SWIFT) test --scratch-path .build-$$sanitizer --sanitize=$$sanitizer $(TEST_FILTER) || status=1; \
		rm -rf $$cache; \
	done; exit $$status
