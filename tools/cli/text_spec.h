#pragma once
// The text part of a job file ([data] source = "text", [text]): which labelled
// texts to read, how the tokenizer is trained, and the confidence below which a
// message goes to a person.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::cli {

struct TextSpec {
  // [data]
  std::string format = "csv";  // "csv" (text and label columns) | "phrasebank" (sentence@label lines)
  std::string train;           // file of training texts
  std::string test;            // optional file of test texts (an official split); else test_split of train
  std::string text_column = "text", label_column = "label";
  std::string encoding = "auto";  // "auto" (UTF-8 unless the file is not) | "utf-8" | "latin-1"; csv: utf-8
  double test_split = 0.2;        // stratified, when there is no test file
  // [text]
  int64_t vocab_size = 8000;
  int64_t min_frequency = 2;
  int64_t max_length = 64;
  bool lowercase = true;
  bool strip_accents = false;
  double confidence_threshold = 0.5;
  int64_t ngrams = 1;              // 2 or 3: hashed word n-grams appended to the tokens
  int64_t ngram_buckets = 100000;  // hash buckets for them
  int64_t ensemble = 1;            // models trained one after another (different initial weights and
                                   // shuffles), their probabilities averaged
};

TextSpec parse_text_spec(const nlohmann::json& job, const std::string& file);

}  // namespace deepfin::cli
