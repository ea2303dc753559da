using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>
/// Limits are documented defaults that users raise on purpose: per load, or for the whole process; a raised limit
/// lets a large spec through, and a checkpoint whose spec asks for far more than its weights hold is still refused
/// before anything is built.
/// </summary>
[Collection(TimedRefusals.Name)]
public sealed class SpecLimitsTests
{
    [Fact]
    public void The_defaults_are_the_documented_values()
    {
        var limits = new SpecLimits();
        Assert.Equal(1L << 24, limits.MaxFeatures);
        Assert.Equal(65_536, limits.MaxWidth);
        Assert.Equal(1_024, limits.MaxSteps);
        Assert.Equal(16_384, limits.MaxLayers);
        Assert.Equal(1L << 31, limits.MaxParameters);
        Assert.Equal(1L << 20, limits.MaxDocumentBytes);
    }

    [Fact]
    public void Raised_limits_passed_to_the_reader_let_a_large_spec_through()
    {
        var json = Flow.Over(Dist.StandardNormal(1_000_000_000)).ToJson();
        Assert.Equal(CheckpointError.LimitExceeded, Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(json)).Error);
        var spec = SpecJson.FromJson<FlowSpec>(json, SpecLimits.Default.WithMaxFeatures(2_000_000_000));
        Assert.Equal(1_000_000_000, spec.Features);
        Assert.Equal(1_000_000_000, SpecJson.FromJson<FlowSpec>(json, SpecLimits.Unlimited).Features);
    }

    [Fact]
    public void A_long_flow_reads_in_time_linear_in_its_steps_once_its_limit_is_raised()
    {
        var flow = Flow.Over(Dist.StandardNormal(2));
        for (int i = 0; i < 20_000; i++)
        {
            flow = flow.Then(i % 2 == 0 ? Bij.Reverse() : Bij.Affine());
        }

        var json = flow.ToJson();
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(json, SpecLimits.Default.WithMaxDocumentBytes(1L << 30)));
        Assert.Contains("flow.steps[1024]: the model's flow step count of 1025 is above the limit of 1024 (SpecLimits.MaxSteps)", e.Message, StringComparison.Ordinal);

        FlowSpec? back = null;
        var work = TimedRefusals.CpuTime(() => back = (FlowSpec)SpecJson.FromJson(json, SpecLimits.Default.WithMaxSteps(20_000).WithMaxDocumentBytes(1L << 30)));
        Assert.True(work < TimeSpan.FromSeconds(1), $"reading 20,000 steps took {work.TotalSeconds:F1} s of work");
        Assert.Equal(flow, back);
    }

    [Fact]
    public void A_raised_default_applies_to_every_later_load()
    {
        var json = Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(100_000))).ToJson();
        var before = SpecLimits.Default;
        Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(json));
        try
        {
            // Raising a limit only lets more through, so other tests reading specs meanwhile are unaffected.
            SpecLimits.Default = before.WithMaxWidth(100_000);
            Assert.IsType<FlowSpec>(SpecJson.FromJson(json));
        }
        finally
        {
            SpecLimits.Default = before;
        }

        Assert.Throws<ArgumentNullException>(() => SpecLimits.Default = null!);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecLimits.Default.WithMaxLayers(0));
    }

    [Fact]
    public void A_checkpoint_whose_spec_asks_for_far_more_than_its_weights_is_refused_before_it_is_built_even_under_raised_limits()
    {
        var path = HostileSpecTests.CheckpointWithSpec(Flow.Over(Dist.StandardNormal(200_000_000)));
        GenCheckpointException? e = null;
        var work = TimedRefusals.CpuTime(() => e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu, SpecLimits.Unlimited)));
        Assert.True(work < TimeSpan.FromSeconds(1), $"refused only after {work.TotalSeconds:F1} s of work");
        Assert.Equal(CheckpointError.WeightsMismatch, e!.Error);
        Assert.Contains("the spec's model holds 400000000 values (0 of them parameters), but the file holds 16. Nothing was built.", e.Message, StringComparison.Ordinal);
        Assert.IsType<FlowSpec>(Model.ReadSpec(path, SpecLimits.Unlimited));
    }

    [Fact]
    public void Check_sizes_a_spec_built_in_code_without_building_it()
    {
        var spec = Autoregressive.Fvsbn(100_000);
        var e = Assert.Throws<GenCheckpointException>(() => SpecLimits.Default.Check(spec));
        Assert.Equal(CheckpointError.LimitExceeded, e.Error);
        Assert.Contains("fvsbn: the model's parameter count of 10000100000 is above the limit of 2147483648 (SpecLimits.MaxParameters)", e.Message, StringComparison.Ordinal);
        SpecLimits.Default.WithMaxParameters(20_000_000_000).Check(spec);
    }

    [Fact]
    public void A_document_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        var json = "{\"version\": 1, \"spec\": " + new string(' ', 1 << 20) + "}";
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(json));
        Assert.Equal(CheckpointError.LimitExceeded, e.Error);
        Assert.Equal("$", e.JsonPath);
        Assert.Contains("SpecLimits.MaxDocumentBytes", e.Message, StringComparison.Ordinal);
    }
}
