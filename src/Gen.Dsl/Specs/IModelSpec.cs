using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The spec of a whole model (a flow, MADE, NADE, FVSBN, PixelCNN, gated PixelCNN or VAE), as opposed to one of its
/// nodes: it compiles to a module on its own, round-trips through JSON (<see cref="SpecJson"/>), and a checkpoint
/// (<see cref="Model.Save"/>) holds it beside the weights.
/// </summary>
/// <typeparam name="TModel">The compiled model.</typeparam>
public interface IModelSpec<out TModel>
    where TModel : torch.nn.Module
{
    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    TModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null);
}
