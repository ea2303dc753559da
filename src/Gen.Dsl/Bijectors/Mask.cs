namespace Gen.Dsl;

/// <summary>Factories for coupling masks.</summary>
public static class Mask
{
    /// <summary>Keeps the even features (or the odd ones) and transforms the others.</summary>
    public static MaskSpec Alternating(int features, bool odd = false) => Checked(new MaskSpec(features, odd, false));

    /// <summary>Keeps the first half of the features (or the second) and transforms the other half.</summary>
    public static MaskSpec Halves(int features, bool second = false) => Checked(new MaskSpec(features, second, true));

    private static MaskSpec Checked(MaskSpec mask)
    {
        if (mask.Features < 2)
        {
            throw new GenShapeException("mask", $"a coupling mask needs at least 2 features, got {mask.Features}.");
        }

        return mask;
    }
}
