#include "deepfin/tasks/saved_model_card.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/models/model.h"
#include "deepfin/report/model_card.h"

namespace deepfin::tasks {

std::string saved_model_card(const std::string& model_path) {
  const auto model = models::load_model(model_path);
  const nlohmann::json card = model->attachment("model_card");
  if (card.is_null())
    throw FileError(
        fmt::format("{}: the model file holds no model card; `deepfin report JOB` saves one with the model "
                    "([output] model)",
                    model_path));
  return report::model_card_markdown(card);
}

}  // namespace deepfin::tasks
