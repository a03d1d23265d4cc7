// The JSON a model file attaches for its task: a credit model's preprocessing,
// baseline, threshold, calibration and scorecard ("tabular"), or a text model's
// tokenizer, labels and settings ("text"). The first byte picks which; the rest
// replaces that attachment in a small valid model file, which is then loaded and
// asked for a prediction, as `deepfin predict` does.
#include "attachment_models.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(model_attachments) {
  if (size == 0) return 0;
  return deepfin::fuzz::run_target("model_attachments", [&] {
    deepfin::fuzz::load_with_attachment(
        data[0] % 2 ? deepfin::fuzz::AttachmentKind::text : deepfin::fuzz::AttachmentKind::tabular,
        deepfin::fuzz::as_text(data + 1, size - 1));
  });
}
