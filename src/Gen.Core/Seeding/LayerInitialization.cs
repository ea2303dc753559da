using System;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen;

/// <summary>
/// TorchSharp's layers with their initial weights drawn from the seed of the build that makes them: wrap a freshly
/// constructed layer, as in <c>Seeded(torch.nn.Linear(64, 32))</c>. Every layer Gen builds goes through here.
/// </summary>
/// <remarks>
/// <para>TorchSharp's constructors draw a layer's initial weights from the global generator, which any thread may draw
/// from at any time; a draw on another thread in the middle of a build (a test's <c>torch.randn</c>, a user's data
/// augmentation) then changes the weights that a seed was meant to fix. Inside a seeded build
/// (<see cref="Seed.Building{T}"/>, which every <c>Compile(..., seed)</c> runs) these methods draw the weights again
/// from the build's own generator (<see cref="Seed.BuildGenerator"/>), with PyTorch's default laws; outside one they
/// leave the layer as constructed.</para>
/// <para>The laws, with fan-in k (inputs × kernel area; for a transposed convolution its weight's second dimension ×
/// kernel area, as PyTorch computes it): weights and biases of linear layers and convolutions uniform on
/// [−1/√k, 1/√k] (Kaiming-uniform with a = √5, the default of both libraries); every weight and bias of an LSTM uniform
/// on [−1/√h, 1/√h] for h hidden units.</para>
/// </remarks>
public static class LayerInitialization
{
    /// <summary>The linear layer, its weight and bias redrawn from the build's generator inside a seeded build.</summary>
    /// <param name="layer">A layer just constructed.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static Linear Seeded(Linear layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RedrawUniform(layer.weight!.shape[1], layer.weight, layer.bias);
        return layer;
    }

    /// <summary>The 2-D convolution, its weight and bias redrawn from the build's generator inside a seeded build.</summary>
    /// <param name="layer">A layer just constructed.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static Conv2d Seeded(Conv2d layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RedrawUniform(FanIn(layer.weight!), layer.weight, layer.bias);
        return layer;
    }

    /// <summary>The transposed 2-D convolution, its weight and bias redrawn from the build's generator inside a seeded build.</summary>
    /// <param name="layer">A layer just constructed.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static ConvTranspose2d Seeded(ConvTranspose2d layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RedrawUniform(FanIn(layer.weight!), layer.weight, layer.bias);
        return layer;
    }

    /// <summary>The LSTM, every weight and bias redrawn from the build's generator inside a seeded build.</summary>
    /// <param name="layer">A layer just constructed.</param>
    /// <param name="hidden">Its number of hidden units.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static LSTM Seeded(LSTM layer, long hidden)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        foreach (var parameter in layer.parameters())
        {
            RedrawUniform(hidden, parameter);
        }

        return layer;
    }

    /// <summary>
    /// Fills <paramref name="tensor"/> (no gradient is recorded) with draws uniform on [−<paramref name="bound"/>,
    /// <paramref name="bound"/>]: from the build's generator inside a seeded build, else from the global generator.
    /// For parameters a module of one's own makes in its constructor.
    /// </summary>
    /// <param name="tensor">The tensor to fill, on any device.</param>
    /// <param name="bound">The half-width of the interval, finite and non-negative.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static torch.Tensor FillUniform(torch.Tensor tensor, double bound)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(bound) || bound < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound of a uniform initialisation must be finite and non-negative.");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var draws = DeviceRandom.Uniform(tensor.shape, tensor.dtype, tensor.device);
        tensor.copy_(draws.mul_(2 * bound).sub_(bound));
        return tensor;
    }

    // The fan-in PyTorch uses for a convolution's weight [a, b, kh, kw]: b · kh · kw.
    private static long FanIn(torch.Tensor weight)
    {
        long fan = weight.shape[1];
        for (int d = 2; d < weight.dim(); d++)
        {
            fan *= weight.shape[d];
        }

        return fan;
    }

    // Uniform on ±1/√fanIn, inside a seeded build only; a fan-in of 0 (an empty layer) has nothing to draw.
    private static void RedrawUniform(long fanIn, params torch.Tensor?[] tensors)
    {
        if (Seed.BuildGenerator is null || fanIn < 1)
        {
            return;
        }

        double bound = 1 / Math.Sqrt(fanIn);
        foreach (var t in tensors)
        {
            if (t is not null)
            {
                FillUniform(t, bound);
            }
        }
    }
}
