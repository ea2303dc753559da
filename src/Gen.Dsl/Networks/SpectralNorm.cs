using System;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Spectral normalisation (Miyato et al., 2018) of one layer: the layer computes with W / σ(W), where σ(W) is the
/// largest singular value of its weight (reshaped to [out, in·…] for a convolution), estimated by power iteration.
/// </summary>
/// <remarks>
/// The power-iteration vectors u [out] and v [in·…] are registered buffers (state-dict names <c>u</c> and <c>v</c>; the
/// wrapped layer's parameters are <c>layer.weight</c> and <c>layer.bias</c>), so they move with <c>.to()</c>, are saved
/// with the weights, and the optimizer never sees them. Every forward pass in training mode first makes one power
/// iteration, updating u and v in place; in evaluation mode the stored vectors are used as they are. The estimate
/// σ = uᵀWv is differentiated with respect to W (u and v held fixed), as in the paper and in PyTorch.
/// </remarks>
public sealed class SpectralNorm : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private const double Epsilon = 1e-12;

    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> layer;
    private readonly torch.Tensor u;
    private readonly torch.Tensor v;
    private readonly Func<torch.Tensor> weightOf;
    private readonly Func<torch.Tensor, torch.Tensor, torch.Tensor> compute;

    private SpectralNorm(torch.nn.Module<torch.Tensor, torch.Tensor> layer, Func<torch.Tensor> weightOf, Func<torch.Tensor, torch.Tensor, torch.Tensor> compute) : base("spectral_norm")
    {
        this.layer = layer;
        this.weightOf = weightOf;
        this.compute = compute;
        // The layer's own weight (not a copy): not disposed here.
        var w = weightOf();
        long rows = w.shape[0];
        long columns = w.numel() / rows;
        // Random unit starting vectors, as in PyTorch; drawn from the global generator, so a seeded compile fixes them.
        u = Normalize(DeviceRandom.Normal(new[] { rows }, w.dtype, w.device)).DetachFromDisposeScope();
        v = Normalize(DeviceRandom.Normal(new[] { columns }, w.dtype, w.device)).DetachFromDisposeScope();
        register_module(nameof(layer), layer);
        register_buffer(nameof(u), u);
        register_buffer(nameof(v), v);
    }

    /// <summary>Spectral normalisation of a linear layer: y = x·(W/σ)ᵀ + b.</summary>
    /// <param name="linear">The layer; it becomes part of the wrapper (state-dict prefix <c>layer.</c>).</param>
    public static SpectralNorm Linear(Linear linear)
    {
        ArgumentNullException.ThrowIfNull(linear);
        return new SpectralNorm(linear, () => linear.weight!, (x, w) => torch.nn.functional.linear(x, w, linear.bias));
    }

    /// <summary>A spectrally normalised 2-D convolution with square kernels (PyTorch's default initialisation).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static SpectralNorm Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0)
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"spectral_norm.conv2d: channels, kernel size and stride must be positive and padding non-negative; got {inChannels} → {outChannels}, kernel {kernelSize}, stride {stride}, padding {padding}.");
        }

        var conv = LayerInitialization.Seeded(torch.nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding));
        var strides = new[] { stride, stride };
        var paddings = new[] { padding, padding };
        return new SpectralNorm(conv, () => conv.weight!, (x, w) => Convolutions.Conv2d(x, w, conv.bias, strides, paddings));
    }

    /// <summary>The wrapped layer (its weight is the unnormalised W).</summary>
    public torch.nn.Module<torch.Tensor, torch.Tensor> Layer => layer;

    /// <summary>The left singular-vector estimate u, [out].</summary>
    public torch.Tensor U => u;

    /// <summary>The right singular-vector estimate v, [in·…].</summary>
    public torch.Tensor V => v;

    /// <summary>The current estimate σ = uᵀWv of the weight's largest singular value (a scalar, no gradient).</summary>
    public torch.Tensor Sigma()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Estimate(u, v).MoveToOuterDisposeScope();
    }

    /// <summary>W / σ with the current estimate (no power iteration, no gradient).</summary>
    public torch.Tensor NormalizedWeight()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return (weightOf() / Estimate(u, v)).MoveToOuterDisposeScope();
    }

    /// <summary>Runs <paramref name="steps"/> power iterations, updating u and v in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    public void PowerIterate(int steps)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "spectral_norm: the number of power iterations cannot be negative.");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var w = Matrix();
        for (int i = 0; i < steps; i++)
        {
            v.copy_(Normalize(w.t().mv(u)));
            u.copy_(Normalize(w.mv(v)));
        }
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var (left, right) = (u, v);
        if (training)
        {
            PowerIterate(1);
            // Copies: u and v change in place at the next pass, while this pass's graph still needs these values.
            (left, right) = (u.clone(), v.clone());
        }

        var weight = weightOf();
        return compute(input, weight / Estimate(left, right)).MoveToOuterDisposeScope();
    }

    private torch.Tensor Matrix()
    {
        var w = weightOf();
        return w.reshape(w.shape[0], -1);
    }

    private torch.Tensor Estimate(torch.Tensor left, torch.Tensor right) => left.dot(Matrix().mv(right));

    private static torch.Tensor Normalize(torch.Tensor x) => x / x.norm().clamp_min(Epsilon);
}
