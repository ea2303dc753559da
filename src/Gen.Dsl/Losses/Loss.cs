using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A scalar training loss and its named terms (for example reconstruction and KL), so progress reports and
/// divergence errors can name the term that went wrong.
/// </summary>
public sealed class Loss
{
    /// <summary>A loss with named terms; <paramref name="total"/> is what is minimised.</summary>
    /// <param name="total">Scalar tensor to minimise.</param>
    /// <param name="terms">Named scalar parts of it (reported, checked, not minimised separately).</param>
    public Loss(torch.Tensor total, IEnumerable<(string Name, torch.Tensor Value)>? terms = null)
    {
        Total = total ?? throw new ArgumentNullException(nameof(total));
        if (total.numel() != 1)
        {
            throw new GenShapeException("loss", $"a loss must be a scalar, got a tensor of shape {Shape.Format(total.shape)}; reduce it (for example with .mean()).");
        }

        Terms = (terms ?? Enumerable.Empty<(string, torch.Tensor)>()).ToArray();
    }

    /// <summary>The scalar minimised.</summary>
    public torch.Tensor Total { get; }

    /// <summary>Named parts, in the order given.</summary>
    public IReadOnlyList<(string Name, torch.Tensor Value)> Terms { get; }

    /// <summary>A loss that is only its total.</summary>
    public static implicit operator Loss(torch.Tensor total) => new(total);

    /// <summary>A loss that is only its total (for languages without implicit conversions).</summary>
    public static Loss Of(torch.Tensor total) => new(total);
}
