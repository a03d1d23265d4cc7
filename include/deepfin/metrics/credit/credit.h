#pragma once
// Credit-risk metrics on plain spans of scores / probabilities and 0/1 labels
// (1 = positive = bad / default): ranking, probability quality, calibration, decisions,
// population drift and scorecard points.
#include "deepfin/metrics/credit/calibration.h"
#include "deepfin/metrics/credit/decision.h"
#include "deepfin/metrics/credit/fairness.h"
#include "deepfin/metrics/credit/probability.h"
#include "deepfin/metrics/credit/psi.h"
#include "deepfin/metrics/credit/roc.h"
#include "deepfin/metrics/credit/scorecard.h"
