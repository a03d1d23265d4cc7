#pragma once
// Draws a validated Figure on an initialised PLplot stream (one page).
#include "deepfin/plot/figure.h"

class plstream;

namespace deepfin::plot::detail {

// cmap0 slots the renderer uses: the colour cycle starts at kCycleBase.
inline constexpr int kWhite = 0, kBlack = 1, kCycleBase = 2, kGridGrey = 12, kDarkGrey = 13;

// Installs the palette (must precede init(): the background colour is read there).
void set_palette(plstream& pls);
void render(const Figure& figure, plstream& pls);

}  // namespace deepfin::plot::detail
