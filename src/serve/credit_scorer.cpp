// Credit models take applicants as JSON objects keyed by column name, exactly
// the cells of a row of the training file, and answer what `deepfin explain`
// does: the probability, the decision at the model's threshold, scorecard
// points and the principal adverse reasons.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "deepfin/data/tabular/schema.h"
#include "deepfin/serve/request_error.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/tasks/decision_log.h"
#include "serve/json_fields.h"
#include "serve/scorers.h"

namespace deepfin::serve {
namespace {

struct Applicants : Instances {
  std::vector<std::vector<std::optional<std::string>>> cells;  // [row][model column]
  std::vector<std::string> ids;                                // with a decision log: each applicant's id
  std::vector<std::vector<std::string>> unseen;                // per row: columns with a category never trained on
  bool explain = true;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A number as the CSV reader would have seen it: the shortest text that reads back exactly.
std::string number_text(double v) {
  return fmt::format("{}", v);
}

class CreditScorer final : public Scorer {
 public:
  CreditScorer(tabular::TabularModel model, const ScoringOptions& options, const std::string& path)
      : model_(std::move(model)) {
    explain_.max_reasons = options.explain_reasons;
    explain_.integration.steps = options.explain_steps;
    if (!options.decision_log.path.empty()) log_ = std::make_shared<tasks::DecisionLog>(options.decision_log, path);
    id_field_ = options.decision_log.id_column;
  }

  std::string kind() const override { return "credit"; }
  const models::Model& model() const override { return model_.model(); }

  std::unique_ptr<Instances> parse(const nlohmann::json& body) const override {
    auto out = std::make_unique<Applicants>();
    const nlohmann::json rows = require_list(body, "instances", true);
    if (const auto it = body.find("explain"); it != body.end()) {
      if (!it->is_boolean()) throw_mistyped("explain", "true or false", *it);
      out->explain = it->get<bool>();
    }
    const auto& columns = model_.preprocessor().columns();
    for (size_t r = 0; r < rows.size(); ++r) {
      const std::string where = fmt::format("instances[{}]", r);
      if (!rows[r].is_object()) throw_mistyped(where, "an object keyed by column name", rows[r]);
      auto& row = out->cells.emplace_back();
      auto& unseen = out->unseen.emplace_back();
      if (log_) {  // the audit log keys each decision by the applicant's id, which the request must carry
        const std::string field = where + "." + id_field_;
        const nlohmann::json& id = require_field(rows[r], id_field_, field);
        if (id.is_string() && !id.get<std::string>().empty()) {
          out->ids.push_back(id.get<std::string>());
        } else if (id.is_number_integer()) {
          out->ids.push_back(id.dump());
        } else {
          throw_mistyped(field, "the applicant's id (a non-empty string or an integer)", id);
        }
      }
      for (const auto& column : columns) {
        const std::string field = where + "." + column.name;
        row.push_back(cell(require_field(rows[r], column.name, field), column, field));
        if (row.back() && column.kind == data::ColumnKind::categorical &&
            std::find(column.categories.begin(), column.categories.end(), *row.back()) == column.categories.end())
          unseen.push_back(column.name);
      }
    }
    out->rows = static_cast<int64_t>(out->cells.size());
    return out;
  }

  std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const override {
    return score_logged(batch, log_.get());
  }

  // The example scored without the decision log: a check is no decision about an applicant.
  void self_check() const override {
    nlohmann::json body = example();
    if (log_ && !body["instances"][0].contains(id_field_)) body["instances"][0][id_field_] = "self-check";
    const auto instances = parse(body);
    score_logged({instances.get()}, nullptr);
  }

  std::vector<nlohmann::json> score_logged(const std::vector<const Instances*>& batch, tasks::DecisionLog* log) const {
    // One table per path: rows to explain, and rows only to score.
    std::vector<const Applicants*> requests;
    for (const Instances* i : batch) requests.push_back(static_cast<const Applicants*>(i));
    // With a decision log every decision is explained: its line records the reason codes.
    data::Table explained = empty_table(), scored = empty_table();
    for (const Applicants* a : requests) append(a->explain || log ? explained : scored, *a);
    const auto explanations =
        explained.num_rows() > 0 ? model_.explain(explained, explain_) : std::vector<tabular::RowExplanation>{};

    const auto probabilities = scored.num_rows() > 0 ? model_.predict_proba(scored) : std::vector<double>{};
    std::vector<nlohmann::json> out;
    size_t next_explained = 0, next_scored = 0;
    for (const Applicants* a : requests) {
      nlohmann::json predictions = nlohmann::json::array();
      for (int64_t r = 0; r < a->rows; ++r) {
        nlohmann::json p;
        if (a->explain || log) {
          const auto& e = explanations[next_explained++];
          p = {{"probability", e.probability},
               {"decision", e.adverse ? "adverse" : "accept"},
               {"points", model_.points(e.probability)}};
          if (a->explain) {
            nlohmann::json reasons = nlohmann::json::array();
            for (const auto& reason : e.reasons)
              reasons.push_back({{"reason", reason.text}, {"log_odds_contribution", reason.attribution}});
            p["reasons"] = std::move(reasons);
          }
        } else {
          const double probability = probabilities[next_scored++];
          p = {{"probability", probability},
               {"decision", probability >= model_.threshold() ? "adverse" : "accept"},
               {"points", model_.points(probability)}};
        }
        if (!a->unseen[r].empty()) p["unseen_categories"] = a->unseen[r];
        predictions.push_back(std::move(p));
      }
      out.push_back({{"predictions", std::move(predictions)}});
    }
    // Logged last, once every answer is built: a batch that fails is rescored request by
    // request, and its decisions must not be logged twice.
    if (log) {
      std::vector<std::string> ids;
      for (const Applicants* a : requests) ids.insert(ids.end(), a->ids.begin(), a->ids.end());
      log->append(ids, explanations, model_);
    }
    return out;
  }

  nlohmann::json schema() const override {
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : model_.preprocessor().columns()) {
      nlohmann::json column = {{"name", c.name}, {"kind", data::to_string(c.kind)}};
      if (c.kind != data::ColumnKind::numeric) column["values"] = c.categories;
      columns.push_back(std::move(column));
    }
    const auto& options = model_.preprocessor().options();
    return {{"input",
             {{"instances",
               "a list of applicants (or one), each an object keyed by column name; "
               "null = missing (imputed as in training)"},
              {"explain", "optional, default true: add the principal adverse reasons"},
              {"columns", columns}}},
            {"output",
             {{"probability", fmt::format("of {} = {}", options.target, options.positive_label)},
              {"decision", fmt::format("adverse when probability >= {}", model_.threshold())},
              {"points", "scorecard points, higher = safer"},
              {"reasons", "up to " + std::to_string(explain_.max_reasons) +
                              " principal adverse reasons (integrated gradients of the log-odds)"}}},
            {"threshold", model_.threshold()},
            {"calibration", model_.calibration()}};
  }

  nlohmann::json example() const override {
    nlohmann::json row = nlohmann::json::object();
    for (const auto& c : model_.preprocessor().columns()) {
      if (c.kind == data::ColumnKind::numeric)
        row[c.name] = c.fill;
      else if (c.kind == data::ColumnKind::boolean)
        row[c.name] = c.categories.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.categories.back());
      else
        row[c.name] = c.fill_category;
    }
    return {{"instances", nlohmann::json::array({row})}};
  }

 private:
  std::optional<std::string> cell(const nlohmann::json& v, const data::ColumnInfo& column,
                                  const std::string& field) const {
    if (v.is_null()) return std::nullopt;
    switch (column.kind) {
      case data::ColumnKind::numeric:
        if (v.is_number()) return number_text(v.get<double>());
        if (v.is_string() && data::parse_finite_number(v.get<std::string>())) return v.get<std::string>();
        throw_mistyped(field, "a number (or null for missing)", v);
      case data::ColumnKind::boolean: {
        if (v.is_boolean() && column.categories.size() == 2) return column.categories[v.get<bool>() ? 1 : 0];
        // A 0/1 column takes any number, as batch scoring does (a count seen only as 0 or 1 in training).
        const bool zero_one = column.categories == std::vector<std::string>{"0", "1"};
        if (zero_one && v.is_number()) return number_text(v.get<double>());
        if (zero_one && v.is_string() && data::parse_finite_number(v.get<std::string>())) return v.get<std::string>();
        if (v.is_string()) {
          const std::string value = lower(v.get<std::string>());
          if (std::find(column.categories.begin(), column.categories.end(), value) != column.categories.end())
            return value;
          throw RequestError(
              422,
              fmt::format(
                  "field '{}': \"{}\" is not one of {}", field, v.get<std::string>(),
                  nlohmann::json(column.categories).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
        }
        throw_mistyped(
            field,
            "true, false or one of " +
                nlohmann::json(column.categories).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
            v);
      }
      case data::ColumnKind::categorical:
        if (v.is_string()) return v.get<std::string>();
        if (v.is_number()) return number_text(v.get<double>());
        throw_mistyped(field, "a string (a category, or null for missing)", v);
    }
    return std::nullopt;
  }

  data::Table empty_table() const {
    data::Table t;
    t.source = "request";
    for (const auto& c : model_.preprocessor().columns()) t.columns.push_back({.name = c.name});
    return t;
  }

  static void append(data::Table& table, const Applicants& a) {
    for (int64_t r = 0; r < a.rows; ++r) {
      for (size_t c = 0; c < table.columns.size(); ++c) table.columns[c].values.push_back(a.cells[r][c]);
      table.lines.push_back(r + 1);
    }
  }

  tabular::TabularModel model_;
  tabular::ExplainOptions explain_{};
  std::shared_ptr<tasks::DecisionLog> log_;  // shared by concurrent batches: one write() per batch
  std::string id_field_;
};

}  // namespace

std::shared_ptr<const Scorer> load_credit_scorer(const std::shared_ptr<models::Model>& model, const std::string& path,
                                                 const ScoringOptions& options) {
  return std::make_shared<CreditScorer>(tabular::TabularModel::from_model(model, path), options, path);
}

}  // namespace deepfin::serve
