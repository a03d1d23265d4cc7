#pragma once
// Helpers the task bindings share: tables from columns, histories and progress
// reports as Python values.
#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

#include "deepfin/data/tabular/table.h"
#include "deepfin/tasks/progress.h"
#include "deepfin/train/callback.h"

namespace deepfin::python {

// A raw table from named columns of optional strings (None = missing), as a CSV
// file would give it; row r is reported as line r + 2 of `source` (after a header).
data::Table table_from_columns(const std::string& source, const std::vector<std::string>& names,
                               const std::vector<std::vector<std::optional<std::string>>>& columns);

pybind11::dict history_dict(const train::History& history);

// Progress events to a Python callable (text, event dict), called under the GIL; none: dropped.
tasks::Progress python_progress(pybind11::object callback);

}  // namespace deepfin::python
