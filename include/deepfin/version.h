#pragma once
// The library version, written into every model file's metadata.
#define DEEPFIN_VERSION "0.1.0"
#define DEEPFIN_MODEL_FORMAT "1"
