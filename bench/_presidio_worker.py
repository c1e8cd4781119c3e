"""Runs inside a separate virtualenv that has presidio-analyzer (never the project's):
Presidio's predefined pattern recognizers on a blank spaCy pipeline, over the texts in
the JSON file given as argv[1]. Prints one JSON line: characters per second."""

import json
import sys
import time
from importlib.metadata import version

import spacy
import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

# No network here: the e-mail recognizer's public-suffix list comes from the package's
# bundled snapshot instead of a download attempt inside the timed loop.
tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())


class BlankEngine(SpacyNlpEngine):
    """spaCy's tokenizer and nothing else: no statistical model, no NER."""

    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])

    def load(self):
        self.nlp = {"en": spacy.blank("en")}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        texts = json.load(f)
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    nlp = BlankEngine()
    nlp.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    registry.remove_recognizer("SpacyRecognizer")
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    analyzer.analyze(texts[0], language="en")  # warm-up
    chars = findings = passes = 0
    start = time.perf_counter()
    while True:
        for text in texts:
            findings += len(analyzer.analyze(text, language="en"))
            chars += len(text)
        passes += 1
        if time.perf_counter() - start >= seconds:
            break
    took = time.perf_counter() - start
    print(json.dumps({"chars_per_s": round(chars / took),
                      "findings_per_pass": findings // passes, "passes": passes,
                      "recognizers": sorted(r.name for r in registry.recognizers),
                      "version": version("presidio-analyzer")}))


if __name__ == "__main__":
    main()
