namespace Gen.Dsl;

/// <summary>Factories for bijector nodes.</summary>
public static class Bij
{
    /// <summary>RealNVP's affine coupling: the kept features condition a shift and a log-scale for the others.</summary>
    public static AffineCouplingSpec AffineCoupling(MaskSpec mask, MlpSpec net) => new(mask, net, Additive: false);

    /// <summary>NICE's additive coupling: the kept features condition a shift for the others.</summary>
    public static AffineCouplingSpec AdditiveCoupling(MaskSpec mask, MlpSpec net) => new(mask, net, Additive: true);

    /// <summary>Reverses the order of the features.</summary>
    public static PermutationSpec Reverse() => new(Seed: null);

    /// <summary>A fixed random permutation of the features.</summary>
    public static PermutationSpec Permute(int seed) => new(Seed: seed);

    /// <summary>A learnable per-feature scale and shift, starting at the identity.</summary>
    public static AffineSpec Affine() => new();

    /// <summary>A planar flow step f(z) = z + û tanh(wᵀz + b) (Rezende and Mohamed 2015); its inverse is numerical.</summary>
    public static PlanarSpec Planar() => new();

    /// <summary>A radial flow step f(z) = z + β (z − z₀) / (α + ‖z − z₀‖) (Rezende and Mohamed 2015), starting at the identity.</summary>
    public static RadialSpec Radial() => new();
}
