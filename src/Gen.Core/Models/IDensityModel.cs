using TorchSharp;

namespace Gen;

/// <summary>
/// A model that scores data by its log-density: flows, autoregressive models and PixelCNNs implement it, so a tool that
/// needs log p(x) (a density map, an evaluation loop of your own) takes the model itself, from C# or F#, without
/// choosing among the model's <c>LogProb</c> overloads.
/// </summary>
public interface IDensityModel
{
    /// <summary>log p(x) of each example of a batch x [batch, ...event], [batch].</summary>
    /// <param name="x">The batch, on the model's device and in its dtype.</param>
    torch.Tensor LogProb(torch.Tensor x);
}
