using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A step whose parameters can be given from outside instead of being its own: in amortised inference a VAE's encoder
/// computes them for each example (Rezende and Mohamed 2015), and a hypernetwork may do the same in a conditional flow.
/// <see cref="Bij.Amortised"/> wraps such a step into one that reads its parameters from the flow's context.
/// </summary>
public interface IParametersFromContext
{
    /// <summary>P: the numbers the step takes for events of <paramref name="features"/> features.</summary>
    /// <param name="features">The features of the events.</param>
    long ParameterCount(long features);

    /// <summary>The step with the parameters <paramref name="parameters"/> (shape B ++ [P], one set per batch row).</summary>
    /// <param name="parameters">The parameters.</param>
    IBijector FromParameters(torch.Tensor parameters);

    /// <summary>
    /// Parameters [P] (float32, on the CPU) at which the step is the identity, so that whatever computes them can start
    /// there (a linear layer with zero weights and these as its bias). May draw through <see cref="DeviceRandom"/>, which
    /// inside a seeded build uses the build's own generator.
    /// </summary>
    /// <param name="features">The features of the events.</param>
    torch.Tensor IdentityParameters(long features);
}
