#pragma once
// Every kernel slot in one table: which kernels an op's slot holds, per element
// type. A row is X(slot function, kernel type, element type, name, reference
// kernel, optimized kernel or nullptr). kernel_registry.cpp turns each row into
// the slot's definition; the slot headers (*_slots.h) declare the kernel types
// and slot functions that ops and tests call. A new kernel-backed op adds its
// kernels under cpu/ref (and cpu/opt), its kernel type and slot in a slot header,
// and rows here.
#define DEEPFIN_KERNEL_TABLE(X)                                                                                        \
  /* element-wise (elementwise_slots.h): optimized float32 only */                                                     \
  X(binary_slot, BinaryKernel, float, "binary", &ref::binary_ew<float>, &opt::binary_ew)                               \
  X(binary_slot, BinaryKernel, double, "binary", &ref::binary_ew<double>, nullptr)                                     \
  X(binary_slot, BinaryKernel, int64_t, "binary", &ref::binary_ew<int64_t>, nullptr)                                   \
  X(where_slot, WhereKernel, float, "where", &ref::where_ew<float>, nullptr)                                           \
  X(where_slot, WhereKernel, double, "where", &ref::where_ew<double>, nullptr)                                         \
  X(unary_slot, UnaryKernel, float, "unary", &ref::unary_ew<float>, &opt::unary_ew)                                    \
  X(unary_slot, UnaryKernel, double, "unary", &ref::unary_ew<double>, nullptr)                                         \
  X(unary_backward_slot, UnaryBackwardKernel, float, "unary_backward", &ref::unary_ew_backward<float>,                 \
    &opt::unary_ew_backward)                                                                                           \
  X(unary_backward_slot, UnaryBackwardKernel, double, "unary_backward", &ref::unary_ew_backward<double>, nullptr)      \
  X(reduce_slot, ReduceKernel, float, "reduce", &ref::reduce_ew<float>, &opt::reduce_ew)                               \
  X(reduce_slot, ReduceKernel, double, "reduce", &ref::reduce_ew<double>, nullptr)                                     \
  X(arg_reduce_slot, ArgReduceKernel, float, "arg_reduce", &ref::arg_reduce_ew<float>, nullptr)                        \
  X(arg_reduce_slot, ArgReduceKernel, double, "arg_reduce", &ref::arg_reduce_ew<double>, nullptr)                      \
  X(scatter_slot, ScatterKernel, float, "scatter", &ref::scatter_ew<float>, nullptr)                                   \
  X(scatter_slot, ScatterKernel, double, "scatter", &ref::scatter_ew<double>, nullptr)                                 \
  X(softmax_slot, SoftmaxKernel, float, "softmax", &ref::softmax_ew<float>, &opt::softmax_ew)                          \
  X(softmax_slot, SoftmaxKernel, double, "softmax", &ref::softmax_ew<double>, nullptr)                                 \
  X(softmax_backward_slot, SoftmaxBackwardKernel, float, "softmax_backward", &ref::softmax_ew_backward<float>,         \
    &opt::softmax_ew_backward)                                                                                         \
  X(softmax_backward_slot, SoftmaxBackwardKernel, double, "softmax_backward", &ref::softmax_ew_backward<double>,       \
    nullptr)                                                                                                           \
  /* convolution and pooling (conv_slots.h): optimized float and double */                                             \
  X(conv2d_forward_slot, Conv2dForwardFn, float, "conv2d_forward", &ref::conv2d_forward<float>,                        \
    &opt::conv2d_forward<float>)                                                                                       \
  X(conv2d_forward_slot, Conv2dForwardFn, double, "conv2d_forward", &ref::conv2d_forward<double>,                      \
    &opt::conv2d_forward<double>)                                                                                      \
  X(conv2d_backward_input_slot, Conv2dBackwardInputFn, float, "conv2d_backward_input",                                 \
    &ref::conv2d_backward_input<float>, &opt::conv2d_backward_input<float>)                                            \
  X(conv2d_backward_input_slot, Conv2dBackwardInputFn, double, "conv2d_backward_input",                                \
    &ref::conv2d_backward_input<double>, &opt::conv2d_backward_input<double>)                                          \
  X(conv2d_backward_weight_slot, Conv2dBackwardWeightFn, float, "conv2d_backward_weight",                              \
    &ref::conv2d_backward_weight<float>, &opt::conv2d_backward_weight<float>)                                          \
  X(conv2d_backward_weight_slot, Conv2dBackwardWeightFn, double, "conv2d_backward_weight",                             \
    &ref::conv2d_backward_weight<double>, &opt::conv2d_backward_weight<double>)                                        \
  X(max_pool2d_forward_slot, Pool2dForwardFn, float, "max_pool2d_forward", &ref::max_pool2d_forward<float>,            \
    &opt::max_pool2d_forward<float>)                                                                                   \
  X(max_pool2d_forward_slot, Pool2dForwardFn, double, "max_pool2d_forward", &ref::max_pool2d_forward<double>,          \
    &opt::max_pool2d_forward<double>)                                                                                  \
  X(max_pool2d_backward_slot, MaxPool2dBackwardFn, float, "max_pool2d_backward", &ref::max_pool2d_backward<float>,     \
    &opt::max_pool2d_backward<float>)                                                                                  \
  X(max_pool2d_backward_slot, MaxPool2dBackwardFn, double, "max_pool2d_backward", &ref::max_pool2d_backward<double>,   \
    &opt::max_pool2d_backward<double>)                                                                                 \
  X(avg_pool2d_forward_slot, Pool2dForwardFn, float, "avg_pool2d_forward", &ref::avg_pool2d_forward<float>,            \
    &opt::avg_pool2d_forward<float>)                                                                                   \
  X(avg_pool2d_forward_slot, Pool2dForwardFn, double, "avg_pool2d_forward", &ref::avg_pool2d_forward<double>,          \
    &opt::avg_pool2d_forward<double>)                                                                                  \
  X(avg_pool2d_backward_slot, AvgPool2dBackwardFn, float, "avg_pool2d_backward", &ref::avg_pool2d_backward<float>,     \
    &opt::avg_pool2d_backward<float>)                                                                                  \
  X(avg_pool2d_backward_slot, AvgPool2dBackwardFn, double, "avg_pool2d_backward", &ref::avg_pool2d_backward<double>,   \
    &opt::avg_pool2d_backward<double>)                                                                                 \
  /* data movement and dropout masks (movement_slots.h) */                                                             \
  X(gather_slot, GatherKernel, float, "gather", &ref::gather<float>, &opt::gather<float>)                              \
  X(gather_slot, GatherKernel, double, "gather", &ref::gather<double>, &opt::gather<double>)                           \
  X(gather_slot, GatherKernel, int64_t, "gather", &ref::gather<int64_t>, &opt::gather<int64_t>)                        \
  X(gather_backward_slot, GatherBackwardKernel, float, "gather_backward", &ref::gather_backward<float>,                \
    &opt::gather_backward<float>)                                                                                      \
  X(gather_backward_slot, GatherBackwardKernel, double, "gather_backward", &ref::gather_backward<double>,              \
    &opt::gather_backward<double>)                                                                                     \
  X(concat_copy_slot, ConcatCopyKernel, float, "concat_copy", &ref::concat_copy<float>, &opt::concat_copy<float>)      \
  X(concat_copy_slot, ConcatCopyKernel, double, "concat_copy", &ref::concat_copy<double>, &opt::concat_copy<double>)   \
  X(concat_copy_slot, ConcatCopyKernel, int64_t, "concat_copy", &ref::concat_copy<int64_t>,                            \
    &opt::concat_copy<int64_t>)                                                                                        \
  X(one_hot_slot, OneHotKernel, float, "one_hot", &ref::one_hot<float>, nullptr)                                       \
  X(one_hot_slot, OneHotKernel, double, "one_hot", &ref::one_hot<double>, nullptr)                                     \
  X(one_hot_slot, OneHotKernel, int64_t, "one_hot", &ref::one_hot<int64_t>, nullptr)                                   \
  X(mask_multiply_slot, MaskMultiplyKernel, float, "mask_multiply", &ref::mask_multiply<float>,                        \
    &opt::mask_multiply<float>)                                                                                        \
  X(mask_multiply_slot, MaskMultiplyKernel, double, "mask_multiply", &ref::mask_multiply<double>,                      \
    &opt::mask_multiply<double>)                                                                                       \
  /* fused losses (loss_slots.h) */                                                                                    \
  X(softmax_xent_slot, SoftmaxXentKernel, float, "softmax_xent", &ref::softmax_xent<float>, &opt::softmax_xent<float>) \
  X(softmax_xent_slot, SoftmaxXentKernel, double, "softmax_xent", &ref::softmax_xent<double>,                          \
    &opt::softmax_xent<double>)                                                                                        \
  X(softmax_xent_backward_slot, SoftmaxXentBackwardKernel, float, "softmax_xent_backward",                             \
    &ref::softmax_xent_backward<float>, &opt::softmax_xent_backward<float>)                                            \
  X(softmax_xent_backward_slot, SoftmaxXentBackwardKernel, double, "softmax_xent_backward",                            \
    &ref::softmax_xent_backward<double>, &opt::softmax_xent_backward<double>)                                          \
  X(sparse_xent_slot, SparseXentKernel, float, "sparse_xent", &ref::sparse_xent<float>, &opt::sparse_xent<float>)      \
  X(sparse_xent_slot, SparseXentKernel, double, "sparse_xent", &ref::sparse_xent<double>, &opt::sparse_xent<double>)   \
  X(sparse_xent_backward_slot, SparseXentBackwardKernel, float, "sparse_xent_backward",                                \
    &ref::sparse_xent_backward<float>, &opt::sparse_xent_backward<float>)                                              \
  X(sparse_xent_backward_slot, SparseXentBackwardKernel, double, "sparse_xent_backward",                               \
    &ref::sparse_xent_backward<double>, &opt::sparse_xent_backward<double>)                                            \
  X(categorical_xent_slot, CategoricalXentKernel, float, "categorical_xent", &ref::categorical_xent<float>,            \
    &opt::categorical_xent<float>)                                                                                     \
  X(categorical_xent_slot, CategoricalXentKernel, double, "categorical_xent", &ref::categorical_xent<double>,          \
    &opt::categorical_xent<double>)                                                                                    \
  X(categorical_xent_backward_slot, CategoricalXentBackwardKernel, float, "categorical_xent_backward",                 \
    &ref::categorical_xent_backward<float>, &opt::categorical_xent_backward<float>)                                    \
  X(categorical_xent_backward_slot, CategoricalXentBackwardKernel, double, "categorical_xent_backward",                \
    &ref::categorical_xent_backward<double>, &opt::categorical_xent_backward<double>)                                  \
  X(pointwise_loss_slot, PointwiseLossKernel, float, "pointwise_loss", &ref::pointwise_loss<float>,                    \
    &opt::pointwise_loss<float>)                                                                                       \
  X(pointwise_loss_slot, PointwiseLossKernel, double, "pointwise_loss", &ref::pointwise_loss<double>,                  \
    &opt::pointwise_loss<double>)                                                                                      \
  X(pointwise_loss_backward_slot, PointwiseLossBackwardKernel, float, "pointwise_loss_backward",                       \
    &ref::pointwise_loss_backward<float>, &opt::pointwise_loss_backward<float>)                                        \
  X(pointwise_loss_backward_slot, PointwiseLossBackwardKernel, double, "pointwise_loss_backward",                      \
    &ref::pointwise_loss_backward<double>, &opt::pointwise_loss_backward<double>)                                      \
  /* layer and RMS normalization (norm_slots.h): optimized float32 layer norm */                                       \
  X(layer_norm_forward_slot, LayerNormForwardFn, float, "layer_norm_forward", &ref::layer_norm_forward<float>,         \
    &opt::layer_norm_forward)                                                                                          \
  X(layer_norm_forward_slot, LayerNormForwardFn, double, "layer_norm_forward", &ref::layer_norm_forward<double>,       \
    nullptr)                                                                                                           \
  X(layer_norm_backward_slot, LayerNormBackwardFn, float, "layer_norm_backward", &ref::layer_norm_backward<float>,     \
    &opt::layer_norm_backward)                                                                                         \
  X(layer_norm_backward_slot, LayerNormBackwardFn, double, "layer_norm_backward", &ref::layer_norm_backward<double>,   \
    nullptr)                                                                                                           \
  X(rms_norm_forward_slot, RmsNormForwardFn, float, "rms_norm_forward", &ref::rms_norm_forward<float>, nullptr)        \
  X(rms_norm_forward_slot, RmsNormForwardFn, double, "rms_norm_forward", &ref::rms_norm_forward<double>, nullptr)      \
  X(rms_norm_backward_slot, RmsNormBackwardFn, float, "rms_norm_backward", &ref::rms_norm_backward<float>, nullptr)    \
  X(rms_norm_backward_slot, RmsNormBackwardFn, double, "rms_norm_backward", &ref::rms_norm_backward<double>, nullptr)  \
  /* weight-only int8 matrix product (quant_slots.h): float32 only */                                                 \
  X(q8_matmul_slot, Q8MatmulFn, float, "q8_matmul", &ref::q8_matmul, &opt::q8_matmul)                                  \
  /* attention (attention_slots.h): optimized float32 only */                                                          \
  X(attention_forward_slot, AttentionForwardFn, float, "attention_forward", &ref::attention_forward<float>,            \
    &opt::attention_forward)                                                                                           \
  X(attention_forward_slot, AttentionForwardFn, double, "attention_forward", &ref::attention_forward<double>, nullptr) \
  X(attention_backward_slot, AttentionBackwardFn, float, "attention_backward", &ref::attention_backward<float>,        \
    &opt::attention_backward)                                                                                          \
  X(attention_backward_slot, AttentionBackwardFn, double, "attention_backward", &ref::attention_backward<double>,      \
    nullptr)                                                                                                           \
  /* recurrent steps (recurrent_slots.h): optimized float32 only */                                                    \
  X(rnn_step_forward_slot, RnnStepForwardFn, float, "rnn_step_forward", &ref::rnn_step_forward<float>,                 \
    &opt::rnn_step_forward)                                                                                            \
  X(rnn_step_forward_slot, RnnStepForwardFn, double, "rnn_step_forward", &ref::rnn_step_forward<double>, nullptr)      \
  X(rnn_step_backward_slot, RnnStepBackwardFn, float, "rnn_step_backward", &ref::rnn_step_backward<float>,             \
    &opt::rnn_step_backward)                                                                                           \
  X(rnn_step_backward_slot, RnnStepBackwardFn, double, "rnn_step_backward", &ref::rnn_step_backward<double>, nullptr)  \
  /* bias + activation + dropout epilogues (fused_dropout_slots.h): optimized float32 only */                          \
  X(epilogue_forward_slot, EpilogueForwardFn, float, "epilogue_forward", &ref::epilogue_forward<float>,                \
    &opt::epilogue_forward)                                                                                            \
  X(epilogue_forward_slot, EpilogueForwardFn, double, "epilogue_forward", &ref::epilogue_forward<double>, nullptr)     \
  X(epilogue_backward_slot, EpilogueBackwardFn, float, "epilogue_backward", &ref::epilogue_backward<float>,            \
    &opt::epilogue_backward)                                                                                           \
  X(epilogue_backward_slot, EpilogueBackwardFn, double, "epilogue_backward", &ref::epilogue_backward<double>, nullptr)
