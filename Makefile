# Shortcuts for the common checks (see DEVELOPERS.md).
.PHONY: test conformance operators-doc

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
