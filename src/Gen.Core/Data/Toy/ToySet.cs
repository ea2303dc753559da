namespace Gen.Data;

/// <summary>
/// The two-dimensional toy distributions of the flow literature, with the constants of FFJORD's generators
/// (Grathwohl et al., 2019) and, for the 5 × 5 grid, of the WGAN-GP code (Gulrajani et al., 2017).
/// </summary>
public enum ToySet
{
    /// <summary>Two interleaved half circles (scikit-learn's make_moons, noise 0.1), scaled by 2 and shifted by (−1, −0.2).</summary>
    Moons,

    /// <summary>Two concentric circles of radius 3 and 1.5 (make_circles, factor 0.5, noise 0.08, scaled by 3).</summary>
    Circles,

    /// <summary>Eight Gaussians (standard deviation 0.5) centred on a circle of radius 4, then all divided by 1.414.</summary>
    EightGaussians,

    /// <summary>25 Gaussians (standard deviation 0.05) on the grid {−4, −2, 0, 2, 4}², equally many per centre, divided by 2.828.</summary>
    TwentyFiveGaussians,

    /// <summary>Uniform on the dark squares of a 4 × 4 checkerboard covering [−4, 4]².</summary>
    Checkerboard,

    /// <summary>Five curved arms (radial standard deviation 0.3, tangential 0.1, rate 0.25), scaled by 2.</summary>
    Pinwheel,

    /// <summary>Four concentric rings of radius 3, 2.25, 1.5 and 0.75, a quarter of the points each, noise 0.08.</summary>
    Rings,

    /// <summary>Two interleaved spirals of 1.5 turns, divided by 3, noise 0.1.</summary>
    Spirals,
}
