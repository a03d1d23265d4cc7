#pragma once
// Everything in deepfin::train.
#include "deepfin/train/callback.h"
#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"
#include "deepfin/train/lr_callbacks.h"
#include "deepfin/train/model_checkpoint.h"
#include "deepfin/train/monitor.h"
#include "deepfin/train/progbar.h"
#include "deepfin/train/terminate_on_nan.h"
