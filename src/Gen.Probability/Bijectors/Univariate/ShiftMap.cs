using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The shift y = x + t with the single parameter t: NICE's additive coupling transform, volume-preserving (its
/// log-determinant is zero). Zero gives the identity.
/// </summary>
public sealed record ShiftMap : UnivariateMap
{
    /// <inheritdoc/>
    public override int ParameterCount => 1;

    /// <inheritdoc/>
    public override IBijector Bind(torch.Tensor parameters)
    {
        CheckParameters(parameters, "shift_map");
        return new ElementwiseShift(parameters.select(-1, 0));
    }

    /// <inheritdoc/>
    public override string ToString() => "Shift";

    private sealed class ElementwiseShift(torch.Tensor shift) : IBijector
    {
        public int EventRank => 0;

        public bool IsVolumePreserving => true;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            var y = x + shift;
            return new Transformed(y, torch.zeros_like(y));
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var x = y - shift;
            return new Transformed(x, torch.zeros_like(x));
        }
    }
}
