using System;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A linear layer whose weight is multiplied by a fixed binary mask: y = x·(W⊙M)ᵀ + b. The mask is a registered
/// buffer, so it moves with <c>.to(device)</c> and is saved with the weights, and the optimizer never sees it.
/// Masked-out weights get zero gradient and so never influence the output.
/// </summary>
public sealed class MaskedLinear : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly torch.Tensor mask;

    private readonly MaskedWeightCache masked = new();

    /// <summary>Creates the layer with PyTorch's default initialisation, U(−1/√in, 1/√in), for weight and bias.</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="mask">Binary mask of shape [out, in] (1 = connected); copied.</param>
    /// <exception cref="GenShapeException">The mask's shape is not [out, in].</exception>
    public MaskedLinear(long inFeatures, long outFeatures, torch.Tensor mask) : base("masked_linear")
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new GenShapeException("masked_linear", $"widths must be positive, got {inFeatures} inputs and {outFeatures} outputs.");
        }

        CheckMask(mask, outFeatures, inFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        weight = new Parameter(LayerInitialization.FillUniform(torch.empty(outFeatures, inFeatures), bound));
        bias = new Parameter(LayerInitialization.FillUniform(torch.empty(outFeatures), bound));
        this.mask = mask.detach().to(torch.float32).clone();
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
        register_buffer(nameof(this.mask), this.mask);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The weight W, shape [out, in] (entries under a zero of the mask are unused).</summary>
    public Parameter Weight => weight;

    /// <summary>The bias b, shape [out].</summary>
    public Parameter Bias => bias;

    /// <summary>The mask M, shape [out, in].</summary>
    public torch.Tensor Mask => mask;

    /// <summary>Replaces the mask in place (keeps its device and dtype), for example to switch between the masks of an order-agnostic MADE.</summary>
    /// <exception cref="GenShapeException">The new mask's shape is not [out, in].</exception>
    public void SetMask(torch.Tensor newMask)
    {
        ArgumentNullException.ThrowIfNull(newMask);
        CheckMask(newMask, OutFeatures, InFeatures);
        using var noGrad = torch.no_grad();
        mask.copy_(newMask);
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 1 || input.shape[^1] != InFeatures)
        {
            throw new GenShapeException("masked_linear", $"expects inputs [..., {InFeatures}], got a tensor of shape {Shape.Format(input.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        return torch.nn.functional.linear(input, masked.Get(weight, mask), bias).MoveToOuterDisposeScope();
    }

    private static void CheckMask(torch.Tensor m, long rows, long cols)
    {
        if (m.dim() != 2 || m.shape[0] != rows || m.shape[1] != cols)
        {
            throw new GenShapeException("masked_linear.mask", $"must have shape {Shape.Format(new[] { rows, cols })} ([out, in]), got {Shape.Format(m.shape)}.");
        }
    }
}
