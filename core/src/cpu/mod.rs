//! Fast CPU kernels (being written).
