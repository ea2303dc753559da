using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

public class MadeTests
{
    private static MadeSpec Small => Autoregressive.Made(4, 16, 16);

    [Fact]
    public void Specs_have_value_equality_and_print_their_settings()
    {
        Assert.Equal(Small.WithOrder(InputOrder.Given(2, 0, 3, 1)), Small.WithOrder(InputOrder.Given(2, 0, 3, 1)));
        Assert.NotEqual(Small.WithOrder(InputOrder.Given(2, 0, 3, 1)), Small.WithOrder(InputOrder.Given(2, 0, 1, 3)));
        Assert.NotEqual(Small.WithDegrees(HiddenDegrees.Random(1)), Small);
        var text = Small.WithOrder(InputOrder.Random(5)).WithMasks(4).WithOutputsPerFeature(2).ToString();
        Assert.Equal("Made(4; hidden: [16, 16], order: random(seed: 5), degrees: random(seed: 0), outputs: 2, masks: 4; relu)", text);
        Assert.NotEqual(Small.WithDirectConnections(), Small);
        Assert.Equal("Made(4; hidden: [16, 16], order: natural, degrees: random(seed: 0), direct connections; relu)", Small.WithDirectConnections().ToString());
        // Without direct connections the JSON (and so every checkpoint) is as before; with them it says so.
        Assert.DoesNotContain("direct", SpecJson.Write(Small).ToJsonString());
        Assert.Contains("\"direct_connections\": true", SpecJson.Write(Small.WithDirectConnections()).ToJsonString().Replace(":true", ": true"));
    }

    [Fact]
    public void Bad_specs_are_rejected_naming_the_field()
    {
        Assert.Equal("made.hidden", Assert.Throws<GenShapeException>(() => Autoregressive.Made(4)).Node);
        Assert.Equal("made.hidden[1]", Assert.Throws<GenShapeException>(() => Autoregressive.Made(4, 8, 0)).Node);
        Assert.Equal("made.features", Assert.Throws<GenShapeException>(() => Autoregressive.Made(0, 8)).Node);
        var order = Assert.Throws<GenShapeException>(() => Small.WithOrder(InputOrder.Given(1, 0, 2)));
        Assert.Equal("made.order", order.Node);
        Assert.Contains("[1, 0, 2]", order.Message);
        var masks = Assert.Throws<GenShapeException>(() => Small.WithDegrees(HiddenDegrees.Even).WithMasks(3));
        Assert.Contains("would all be the same", masks.Message);
        Assert.Throws<ArgumentException>(() => InputOrder.Given(0, 2));
        var head = Assert.Throws<GenShapeException>(() => Small.WithOutputsPerFeature(2).Compile(Device.Cpu));
        Assert.Contains("CompileNetwork", head.Message);
    }

    [Fact]
    public void Data_of_the_wrong_shape_dtype_or_values_gets_a_clear_error()
    {
        using var model = Small.Compile(Device.Cpu);
        Assert.Contains("[3, 5]", Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(3, 5))).Message);
        Assert.Contains("[4]", Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(4))).Message);
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => model.LogProb(torch.zeros(new long[] { 2, 4 }, dtype: torch.float64))).Message);
        var x = torch.zeros(3, 4);
        x[1, 2] = torch.tensor(0.5f);
        var e = Assert.Throws<ArgumentException>(() => model.LogProb(x));
        Assert.Contains("binary", e.Message);
        Assert.Contains("[1, 2] is 0.5", e.Message);
        var net = Small.WithContext(2).CompileNetwork(Device.Cpu);
        Assert.Equal("made.context", Assert.Throws<GenShapeException>(() => net.forward(torch.zeros(3, 4))).Node);
        Assert.Contains("[3, 3]", Assert.Throws<GenShapeException>(() => net.Forward(torch.zeros(3, 4), torch.zeros(3, 3))).Message);
    }

    [Fact]
    public void Compiling_twice_gives_independent_models_and_a_seed_gives_equal_weights()
    {
        using var a = Small.Compile(Device.Cpu, seed: 1);
        using var b = Small.Compile(Device.Cpu, seed: 1);
        using var c = Small.Compile(Device.Cpu, seed: 2);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        Assert.All(pa.Zip(pb), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        Assert.Contains(pa.Zip(c.parameters()), p => !p.First.allclose(p.Second, 0, 0));
        using (torch.no_grad())
        {
            pa[0].add_(1f);
        }

        Assert.False(pa[0].allclose(pb[0], 0, 0));
        // The masks are buffers: saved with the weights and converted with the model.
        Assert.Equal(3, a.buffers().Count());
        using var d = Small.Compile(Device.Cpu, torch.float64);
        Assert.All(d.buffers().Concat(d.parameters()), t => Assert.Equal(torch.float64, t.dtype));
    }

    [Fact]
    public void Masked_weights_get_no_gradient_and_never_change()
    {
        using var model = Small.Compile(Device.Cpu, seed: 0);
        var layer = model.Network.Layers[1];
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.1);
        var x = torch.tensor(new float[] { 1, 0, 1, 1, 0, 1, 1, 0 }).reshape(2, 4);
        var before = layer.Weight.detach().clone();
        var loss = -model.LogProb(x).mean();
        optimizer.zero_grad();
        loss.backward();
        Assert.True((layer.Weight.grad! * (1 - layer.Mask)).abs().max().item<float>() == 0);
        optimizer.step();
        var off = 1 - layer.Mask;
        Assert.True((layer.Weight * off).allclose(before * off, 0, 0));
        Assert.False(layer.Weight.allclose(before, 0, 0));
    }

    [Fact]
    public void Cycling_masks_changes_the_order_and_returns_to_the_same_function()
    {
        using var model = Small.WithOrder(InputOrder.Random(3)).WithMasks(3).Compile(Device.Cpu, torch.float64, seed: 0);
        var x = DensityChecks.AllBinary(4, torch.float64);
        var first = model.LogProb(x);
        var orders = Enumerable.Range(0, 3).Select(_ =>
        {
            var o = model.Order;
            model.NextMask();
            return string.Join(",", o);
        }).ToArray();
        Assert.Equal(3, orders.Distinct().Count());
        Assert.Equal(0, model.Network.CurrentMask);
        Assert.True(model.LogProb(x).allclose(first, 0, 0));
        model.UseMask(2);
        Assert.False(model.LogProb(x).allclose(first, 1e-6, 1e-6));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.UseMask(3));
    }

    [Fact]
    public void The_mask_ensemble_is_the_log_mean_of_the_per_mask_probabilities_and_is_normalised()
    {
        using var model = Small.WithOrder(InputOrder.Random(3)).WithMasks(4).Compile(Device.Cpu, torch.float64, seed: 0);
        DensityChecks.Perturb(model, 0.5, 1);
        model.UseMask(1);
        var x = DensityChecks.AllBinary(4, torch.float64);
        var each = Enumerable.Range(0, 3).Select(m =>
        {
            model.UseMask(m);
            return model.LogProb(x).exp();
        }).ToArray();
        model.UseMask(1);
        var ensemble = model.EnsembleLogProb(x, 3);
        Assert.Equal(1, model.Network.CurrentMask);
        Assert.True(ensemble.exp().allclose((each[0] + each[1] + each[2]) / 3, 1e-12, 1e-14));
        DensityChecks.SumsToOne(v => model.EnsembleLogProb(v, 4), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.EnsembleLogProb(x, 5));
    }
}
