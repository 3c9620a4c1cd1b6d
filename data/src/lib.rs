//! MNIST data.
