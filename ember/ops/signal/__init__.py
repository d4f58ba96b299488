"""Signal processing: window functions and the short-time Fourier transform."""
