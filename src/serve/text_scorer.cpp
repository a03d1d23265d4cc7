// Text models take {"text": "..."} or a list of texts and answer, per text, the
// label, its confidence, and whether the message should go to a person, as
// `deepfin predict MODEL --text` does.
#include <fmt/format.h>

#include "deepfin/serve/request_error.h"
#include "deepfin/text_model/text_classifier.h"
#include "serve/json_fields.h"
#include "serve/scorers.h"

namespace deepfin::serve {
namespace {

struct Texts : Instances {
  std::vector<std::string> texts;
};

class TextScorer final : public Scorer {
 public:
  explicit TextScorer(text_model::TextClassifier classifier) : classifier_(std::move(classifier)) {}

  std::string kind() const override { return "text"; }
  const models::Model& model() const override { return classifier_.model(); }

  std::unique_ptr<Instances> parse(const nlohmann::json& body) const override {
    auto out = std::make_unique<Texts>();
    const std::string key = require_object(body).contains("text") ? "text" : "instances";
    if (!body.contains(key)) throw RequestError(422, "missing field 'text'");
    const nlohmann::json texts = require_list(body, key, true);
    const bool listed = body[key].is_array();  // a lone text is named without an index
    for (size_t i = 0; i < texts.size(); ++i) {
      if (!texts[i].is_string()) throw_mistyped(listed ? fmt::format("{}[{}]", key, i) : key, "a string", texts[i]);
      out->texts.push_back(texts[i].get<std::string>());
    }
    out->rows = static_cast<int64_t>(out->texts.size());
    return out;
  }

  std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const override {
    std::vector<std::string> all;
    for (const Instances* i : batch) {
      const auto& texts = static_cast<const Texts*>(i)->texts;
      all.insert(all.end(), texts.begin(), texts.end());
    }
    const auto predictions = classifier_.predict(all);
    std::vector<nlohmann::json> out;
    size_t next = 0;
    for (const Instances* i : batch) {
      nlohmann::json rows = nlohmann::json::array();
      for (int64_t r = 0; r < i->rows; ++r, ++next) {
        const auto& p = predictions[next];
        rows.push_back(
            {{"label", p.label}, {"confidence", p.confidence}, {"to_person", p.to_person}, {"reply", p.reply}});
      }
      out.push_back({{"predictions", std::move(rows)}});
    }
    return out;
  }

  nlohmann::json schema() const override {
    return {{"input", {{"text", "a message, or a list of messages"}}},
            {"output",
             {{"label", "the most probable class"},
              {"confidence", "its probability"},
              {"to_person",
               fmt::format("true when the confidence is below {}: route to a person", classifier_.threshold())}}},
            {"labels", classifier_.labels().classes},
            {"max_length", classifier_.max_length()},
            {"threshold", classifier_.threshold()},
            {"ensemble", classifier_.members().size()}};
  }

  nlohmann::json example() const override { return {{"text", "I would like to check my account balance"}}; }

 private:
  text_model::TextClassifier classifier_;
};

}  // namespace

std::shared_ptr<const Scorer> load_text_scorer(const std::shared_ptr<models::Model>& model, const std::string& path) {
  return std::make_shared<TextScorer>(text_model::TextClassifier::from_model(model, path));
}

}  // namespace deepfin::serve
