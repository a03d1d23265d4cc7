// The text task (financial text analysis, customer-service routing): texts and
// labels from Python lists or the job's files, fit / evaluate / cv, and the
// classifier that reads raw strings.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "array_bridge.h"
#include "bindings.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/text_task.h"
#include "deepfin/text_model/text_classifier.h"
#include "task_support.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

text::LabelledText labelled(std::vector<std::string> texts, std::vector<std::string> labels,
                            const std::string& source) {
  if (texts.size() != labels.size())
    throw py::value_error(fmt::format("{}: {} texts but {} labels", source, texts.size(), labels.size()));
  text::LabelledText out{.texts = std::move(texts), .labels = std::move(labels), .lines = {}, .source = source};
  for (int64_t i = 0; i < out.size(); ++i) out.lines.push_back(i + 1);
  return out;
}

py::dict report_dict(const metrics::ClassReport& r) {
  py::dict per_class;
  for (size_t c = 0; c < r.names.size(); ++c)
    per_class[py::str(r.names[c])] = py::dict(py::arg("precision") = r.precision[c], py::arg("recall") = r.recall[c],
                                              py::arg("f1") = r.f1[c], py::arg("support") = r.support[c]);
  return py::dict(py::arg("accuracy") = r.accuracy, py::arg("macro_f1") = r.macro_f1,
                  py::arg("weighted_f1") = r.weighted_f1, py::arg("classes") = per_class,
                  py::arg("confusion") = r.confusion);
}

}  // namespace

void bind_text(py::module_& m) {
  py::class_<text::LabelledText>(m, "LabelledText")
      .def(py::init(&labelled), py::arg("texts"), py::arg("labels"), py::arg("source") = "texts")
      .def_readonly("texts", &text::LabelledText::texts)
      .def_readonly("labels", &text::LabelledText::labels)
      .def("__len__", &text::LabelledText::size);

  py::class_<tasks::TextFit>(m, "TextFit")
      .def_property_readonly("classifier", [](const tasks::TextFit& f) { return f.classifier; })
      .def_property_readonly("history", [](const tasks::TextFit& f) { return history_dict(f.history); })
      .def_readonly("truncated", &tasks::TextFit::truncated)
      .def_property_readonly("validation", [](const tasks::TextFit& f) {
        // The train/validation gap, and each part of a stack alone (empty without held-out texts).
        const tasks::TextValidation& v = f.validation;
        py::dict out;
        if (v.rows == 0) return out;
        out["rows"] = v.rows;
        out["train_accuracy"] = v.train_accuracy;
        out["accuracy"] = v.accuracy;
        if (f.classifier.linear()) {
          out["neural_accuracy"] = v.neural_accuracy;
          out["linear_accuracy"] = v.linear_accuracy;
          out["linear_weight"] = f.classifier.linear()->blend.weight;
        }
        return out;
      });

  py::class_<text_model::TextClassifier>(m, "TextClassifier")
      .def_static("load", &text_model::TextClassifier::load, py::arg("path"))
      .def("save", &text_model::TextClassifier::save, py::arg("path"))
      .def_property_readonly("classes", [](const text_model::TextClassifier& c) { return c.labels().classes; })
      .def_property("threshold", &text_model::TextClassifier::threshold, &text_model::TextClassifier::set_threshold)
      .def_property_readonly("max_length", &text_model::TextClassifier::max_length)
      .def_property_readonly("model", [](const text_model::TextClassifier& c) { return c.members().front(); })
      .def(
          "predict_proba",
          [](const text_model::TextClassifier& c, const std::vector<std::string>& texts) {
            Tensor p;
            {
              py::gil_scoped_release release;
              p = c.predict_proba(texts);
            }
            return array_from_tensor(p);
          },
          py::arg("texts"))
      .def(
          "predict",
          [](const text_model::TextClassifier& c, const std::vector<std::string>& texts) {
            std::vector<text_model::Prediction> predictions;
            {
              py::gil_scoped_release release;
              predictions = c.predict(texts);
            }
            py::list out;
            for (const auto& p : predictions)
              out.append(py::dict(py::arg("label") = p.label, py::arg("confidence") = p.confidence,
                                  py::arg("to_person") = p.to_person, py::arg("reply") = p.reply));
            return out;
          },
          py::arg("texts"));

  py::class_<tasks::TextTask>(m, "TextTask")
      .def(py::init([](const tasks::JobSpec& job, std::optional<text::LabelledText> texts) {
             return texts ? tasks::TextTask(job, std::move(*texts)) : tasks::TextTask(job);
           }),
           py::arg("job"), py::arg("texts") = py::none())
      .def("split",
           [](const tasks::TextTask& t, uint64_t seed) {
             tasks::TextSplit s = t.split(seed);
             return py::make_tuple(std::move(s.train), std::move(s.test));
           })
      .def(
          "fit",
          [](const tasks::TextTask& t, const text::LabelledText& train, uint64_t seed, int verbose) {
            py::gil_scoped_release release;
            set_random_seed(seed);
            nn::clear_session();
            return t.fit(train, verbose);
          },
          py::arg("train"), py::arg("seed"), py::arg("verbose") = 0)
      .def(
          "evaluate",
          [](const tasks::TextTask& t, const text_model::TextClassifier& c, const text::LabelledText& test) {
            metrics::ClassReport r;
            {
              py::gil_scoped_release release;
              r = t.evaluate(c, test);
            }
            return report_dict(r);
          },
          py::arg("classifier"), py::arg("test"))
      .def(
          "cross_validate",
          [](const tasks::TextTask& t, int folds, uint64_t seed, py::object progress) {
            tasks::TextCvResult r;
            const tasks::Progress report = python_progress(std::move(progress));  // made under the GIL
            {
              py::gil_scoped_release release;
              r = t.cross_validate(folds, seed, report);
            }
            py::dict summary;
            summary["accuracy"] = py::make_tuple(r.accuracy_summary.mean, r.accuracy_summary.std);
            summary["macro_f1"] = py::make_tuple(r.macro_f1_summary.mean, r.macro_f1_summary.std);
            py::list per_fold;
            for (size_t k = 0; k < r.accuracy.size(); ++k)
              per_fold.append(py::dict(py::arg("accuracy") = r.accuracy[k], py::arg("macro_f1") = r.macro_f1[k]));
            return py::dict(py::arg("folds") = per_fold, py::arg("summary") = summary);
          },
          py::arg("folds"), py::arg("seed"), py::arg("progress") = py::none());
}

}  // namespace deepfin::python
