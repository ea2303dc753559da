using System;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// The four unnormalised 2-D target densities of Rezende and Mohamed (2015), "Variational inference with normalizing
/// flows", Table 1. Each function returns the energy U(z), shape [n], for points z of shape [n, 2]; the density is
/// p(z) ∝ exp(−U(z)), so the unnormalised log-density is −U(z). With w1(z) = sin(2π z1 / 4),
/// w2(z) = 3 exp(−½ ((z1 − 1) / 0.6)²) and w3(z) = 3 σ((z1 − 1) / 0.3). Sums of exponentials are computed with
/// log-sum-exp, so the energy stays finite far from the modes. U1 is normalisable on the plane; U2, U3 and U4 are
/// periodic or constant along z1, so, as in the paper, they are meant on a box such as [−4, 4]².
/// </summary>
public static class Energies
{
    /// <summary>U1(z) = ½ ((‖z‖ − 2) / 0.4)² − ln(exp(−½ ((z1 − 2) / 0.6)²) + exp(−½ ((z1 + 2) / 0.6)²)): a ring split in two.</summary>
    /// <param name="z">Points, shape [n, 2].</param>
    public static torch.Tensor U1(torch.Tensor z) => Energy(z, (z1, z2) =>
    {
        var radius = torch.stack(new[] { z1, z2 }, 1).norm(1);
        var ring = HalfSquare((radius - 2) / 0.4);
        return ring - LogSumExp(-HalfSquare((z1 - 2) / 0.6), -HalfSquare((z1 + 2) / 0.6));
    });

    /// <summary>U2(z) = ½ ((z2 − w1(z)) / 0.4)²: a sine wave.</summary>
    /// <param name="z">Points, shape [n, 2].</param>
    public static torch.Tensor U2(torch.Tensor z) => Energy(z, (z1, z2) => HalfSquare((z2 - W1(z1)) / 0.4));

    /// <summary>U3(z) = −ln(exp(−½ ((z2 − w1) / 0.35)²) + exp(−½ ((z2 − w1 + w2) / 0.35)²)): a sine wave that forks.</summary>
    /// <param name="z">Points, shape [n, 2].</param>
    public static torch.Tensor U3(torch.Tensor z) => Energy(z, (z1, z2) =>
    {
        var d = z2 - W1(z1);
        return -LogSumExp(-HalfSquare(d / 0.35), -HalfSquare((d + W2(z1)) / 0.35));
    });

    /// <summary>U4(z) = −ln(exp(−½ ((z2 − w1) / 0.4)²) + exp(−½ ((z2 − w1 + w3) / 0.35)²)): two sine waves joined by a step.</summary>
    /// <param name="z">Points, shape [n, 2].</param>
    public static torch.Tensor U4(torch.Tensor z) => Energy(z, (z1, z2) =>
    {
        var d = z2 - W1(z1);
        return -LogSumExp(-HalfSquare(d / 0.4), -HalfSquare((d + W3(z1)) / 0.35));
    });

    private static torch.Tensor W1(torch.Tensor z1) => torch.sin(z1 * (2 * Math.PI / 4));

    private static torch.Tensor W2(torch.Tensor z1) => torch.exp(-HalfSquare((z1 - 1) / 0.6)) * 3;

    private static torch.Tensor W3(torch.Tensor z1) => torch.sigmoid((z1 - 1) / 0.3) * 3;

    private static torch.Tensor HalfSquare(torch.Tensor t) => t.square() * 0.5;

    private static torch.Tensor LogSumExp(torch.Tensor a, torch.Tensor b) => torch.stack(new[] { a, b }, 1).logsumexp(1);

    private static torch.Tensor Energy(torch.Tensor z, Func<torch.Tensor, torch.Tensor, torch.Tensor> u)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() != 2 || z.shape[1] != 2)
        {
            throw new GenShapeException("z", $"the energies take points of shape [n, 2], got [{string.Join(", ", z.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        return u(z[.., 0], z[.., 1]).MoveToOuterDisposeScope();
    }
}
