#pragma once
// The part of a credit job that runs on any parsed table: kind inference, the
// preprocessor fitted with the first column as the target, transform, and the
// preprocessor's JSON round trip (what the model file carries).
#include "deepfin/data/tabular/table.h"

namespace deepfin::fuzz {

void run_tabular_pipeline(const data::Table& table);

}  // namespace deepfin::fuzz
