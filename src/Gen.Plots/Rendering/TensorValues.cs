using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Plots;

/// <summary>Reads tensors into arrays for drawing, from any device and floating or integer dtype.</summary>
internal static class TensorValues
{
    /// <summary>The values in row-major order as float64, without gradient, copied to the CPU.</summary>
    internal static double[] Read(torch.Tensor tensor)
    {
        GenRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var cpu = tensor.detach().to(torch.float64, torch.CPU).contiguous();
        return cpu.data<double>().ToArray();
    }

    /// <summary>Checks that <paramref name="points"/> is [n, 2] with n ≥ 1 and returns its x and y columns.</summary>
    internal static (double[] X, double[] Y) Points(torch.Tensor points, string node)
    {
        ArgumentNullException.ThrowIfNull(points, node);
        if (points.dim() != 2 || points.shape[1] != 2 || points.shape[0] < 1)
        {
            throw new GenShapeException(node, $"points are a tensor of shape [n, 2] with n at least 1, got {Shape.Format(points.shape)}.");
        }

        var values = Read(points);
        int n = (int)points.shape[0];
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = values[2 * i];
            y[i] = values[(2 * i) + 1];
        }

        return (x, y);
    }
}
