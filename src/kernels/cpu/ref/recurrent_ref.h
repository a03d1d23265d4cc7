#pragma once
// Reference kernels for one recurrent time step (see kernels/recurrent_slots.h):
// plain loops over the batch rows with std:: activations.
#include "kernels/recurrent_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void rnn_step_forward(RnnCell cell, const RnnStepForward<T>& a);
template <class T>
void rnn_step_backward(RnnCell cell, const RnnStepBackward<T>& a);

}  // namespace deepfin::kernels::ref
