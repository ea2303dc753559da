using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

public class SpectralNormTests
{
    private static SpectralNorm Layer(long seed)
    {
        var layer = Seed.Building(seed, () => SpectralNorm.Linear(torch.nn.Linear(7, 5)));
        layer.to(torch.float64);
        return layer;
    }

    private static double LargestSingularValue(torch.Tensor w) => torch.linalg.svdvals(w.reshape(w.shape[0], -1))[0].ToDouble();

    [Fact]
    public void Power_iteration_finds_the_largest_singular_value_and_the_normalised_weight_has_spectral_norm_one()
    {
        using var layer = Layer(0);
        var weight = ((TorchSharp.Modules.Linear)layer.Layer).weight!;
        layer.PowerIterate(200);
        double sigma = LargestSingularValue(weight);
        Assert.Equal(sigma, layer.Sigma().ToDouble(), 10);
        Assert.Equal(1, LargestSingularValue(layer.NormalizedWeight()), 10);
        // u and v are the top singular vectors: W v = σ u.
        Assert.True(weight.mv(layer.V).allclose(layer.U * sigma, 1e-8, 1e-8));
    }

    [Fact]
    public void A_training_forward_makes_one_power_iteration_and_computes_with_the_normalised_weight()
    {
        using var layer = Layer(1);
        var linear = (TorchSharp.Modules.Linear)layer.Layer;
        var x = torch.randn(new long[] { 4, 7 }, torch.float64, generator: Seed.Generator(0));
        var u0 = layer.U.clone();
        var v1 = torch.nn.functional.normalize(linear.weight!.t().mv(u0), dim: 0);
        var u1 = torch.nn.functional.normalize(linear.weight!.mv(v1), dim: 0);
        var y = layer.forward(x);
        Assert.True(layer.U.allclose(u1, 1e-12, 1e-12));
        Assert.True(layer.V.allclose(v1, 1e-12, 1e-12));
        var sigma = u1.dot(linear.weight!.mv(v1));
        Assert.True(y.allclose(torch.nn.functional.linear(x, linear.weight! / sigma, linear.bias), 1e-12, 1e-12));

        // Evaluation mode uses the stored vectors without changing them.
        layer.eval();
        var u = layer.U.clone();
        var yEval = layer.forward(x);
        Assert.True(layer.U.allclose(u, 0, 0));
        Assert.True(yEval.allclose(y, 1e-12, 1e-12));
    }

    [Fact]
    public void Gradients_reach_the_weight_through_sigma()
    {
        using var layer = Layer(2);
        var linear = (TorchSharp.Modules.Linear)layer.Layer;
        layer.eval();
        var x = torch.randn(new long[] { 3, 7 }, torch.float64, generator: Seed.Generator(1));
        layer.forward(x).sum().backward();
        // The same loss written out: σ = uᵀWv with u, v fixed.
        var w = linear.weight!.detach().clone().requires_grad_(true);
        var sigma = layer.U.dot(w.mv(layer.V));
        torch.nn.functional.linear(x, w / sigma, linear.bias!.detach()).sum().backward();
        Assert.True(linear.weight!.grad!.allclose(w.grad!, 1e-12, 1e-12));
    }

    [Fact]
    public void The_vectors_are_buffers_saved_with_the_weights_and_moved_with_the_module()
    {
        using var layer = Seed.Building(3, () => SpectralNorm.Linear(torch.nn.Linear(4, 3)));
        Assert.Equal(new[] { "layer.weight", "layer.bias", "u", "v" }, layer.state_dict().Keys.ToArray());
        Assert.Equal(new[] { "layer.weight", "layer.bias" }, layer.named_parameters().Select(p => p.name).ToArray());
        layer.to(torch.float64);
        Assert.Equal(torch.float64, layer.U.dtype);
        Assert.Equal(torch.float64, layer.V.dtype);
        Assert.Same(layer.U, layer.state_dict()["u"]);
        layer.PowerIterate(3);

        // A fresh layer loads u and v with the weights.
        using var copy = Seed.Building(4, () => SpectralNorm.Linear(torch.nn.Linear(4, 3)));
        copy.to(torch.float64);
        copy.load_state_dict(layer.state_dict());
        Assert.True(copy.U.allclose(layer.U, 0, 0));
        Assert.True(copy.Sigma().allclose(layer.Sigma(), 0, 0));
    }

    [Fact]
    public void A_convolution_is_normalised_by_its_weight_reshaped_to_out_by_in_times_kernel()
    {
        using var conv = Seed.Building(5, () => SpectralNorm.Conv2d(3, 4, 3, stride: 2, padding: 1));
        conv.to(torch.float64);
        var inner = (TorchSharp.Modules.Conv2d)conv.Layer;
        Assert.Equal(27, conv.V.shape[0]);
        conv.PowerIterate(300);
        Assert.Equal(LargestSingularValue(inner.weight!), conv.Sigma().ToDouble(), 9);
        conv.eval();
        var x = torch.randn(new long[] { 2, 3, 8, 8 }, torch.float64, generator: Seed.Generator(2));
        var y = conv.forward(x);
        Assert.Equal(new long[] { 2, 4, 4, 4 }, y.shape);
        var expected = torch.nn.functional.conv2d(x, conv.NormalizedWeight(), inner.bias, new long[] { 2, 2 }, new long[] { 1, 1 });
        Assert.True(y.allclose(expected, 1e-12, 1e-12));
    }
}
