using System;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

/// <summary>Stop rules are values: the built-in ones end a run where they say, a rule of your own works the same way, and bad ones are refused before training.</summary>
public sealed class StopRuleTests
{
    private static TrainingResult Run(TrainingOptions options, bool validate, int seed = 1)
    {
        var (train, valid) = TrainerTests.Digits();
        using var model = Autoregressive.Fvsbn(64).Compile(Device.Cpu, seed: seed);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), options) { Validation = x => -model.LogProb(x) };
        return trainer.Fit(train, validate ? valid : null);
    }

    /// <summary>Stops when the training loss of an epoch is not below the one before: a rule written outside the library.</summary>
    private sealed record NoLongerFalling : StopRule
    {
        public override bool StopsAfterEpoch(TrainingState state) =>
            state.TrainingLoss.Count >= 2 && state.TrainingLoss[^1] >= state.TrainingLoss[^2];
    }

    [Fact]
    public void A_step_budget_ends_the_run_mid_epoch_after_exactly_that_step()
    {
        // 1348 training images in batches of 100: 14 steps per epoch, so step 15 is the second epoch's first.
        var result = Run(new TrainingOptions { Epochs = 50, BatchSize = 100, StopRules = new[] { Stop.Steps(15) } }, validate: false);
        Assert.Equal(15, result.Steps);
        Assert.Equal(2, result.Epochs);
        Assert.IsType<StepLimitRule>(result.StoppedBy);
        Assert.True(result.StoppedEarly);
        Assert.False(result.ReachedTimeLimit);
    }

    [Fact]
    public void A_validation_target_stops_at_the_first_epoch_that_reaches_it()
    {
        var free = Run(new TrainingOptions { Epochs = 8, BatchSize = 100 }, validate: true);
        double target = free.ValidationLoss[4]; // reached at epoch 5 or before
        int first = free.ValidationLoss.Select((v, i) => (v, i)).First(p => p.v <= target).i + 1;
        var stopped = Run(new TrainingOptions { Epochs = 8, BatchSize = 100, StopRules = new[] { Stop.ValidationReaches(target) } }, validate: true);
        Assert.Equal(first, stopped.Epochs);
        Assert.Equal(free.ValidationLoss.Take(first), stopped.ValidationLoss);
        Assert.IsType<WhenRule>(stopped.StoppedBy);
        Assert.Null(free.StoppedBy);
    }

    [Fact]
    public void A_rule_of_your_own_stops_the_run_where_it_says()
    {
        var free = Run(new TrainingOptions { Epochs = 12, BatchSize = 200 }, validate: false, seed: 2);
        var losses = free.TrainingLoss;
        int expected = Enumerable.Range(1, losses.Count - 1).FirstOrDefault(i => losses[i] >= losses[i - 1]) is int i and > 0 ? i + 1 : losses.Count;
        var stopped = Run(new TrainingOptions { Epochs = 12, BatchSize = 200, StopRules = new StopRule[] { new NoLongerFalling() } }, validate: false, seed: 2);
        Assert.Equal(expected, stopped.Epochs);
        Assert.Equal(losses.Take(expected), stopped.TrainingLoss);
        Assert.Equal(expected < losses.Count, stopped.StoppedBy is NoLongerFalling);
    }

    [Fact]
    public void Patience_as_an_option_and_as_a_rule_run_the_same()
    {
        // A large MADE on 60 images overfits within a few epochs, so patience ends both runs.
        TrainingResult Overfit(TrainingOptions options)
        {
            var (train, valid) = TrainerTests.Digits();
            using var model = Autoregressive.Made(64, 512, 512).Compile(Device.Cpu, seed: 1);
            using var adam = new FusedAdam(model.parameters(), 1e-2);
            var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), options) { Validation = x => -model.LogProb(x) };
            return trainer.Fit(train.narrow(0, 0, 60), valid);
        }

        var option = Overfit(new TrainingOptions { Epochs = 60, BatchSize = 20, Patience = 3 });
        var rule = Overfit(new TrainingOptions { Epochs = 60, BatchSize = 20, StopRules = new[] { Stop.Patience(3) } });
        Assert.True(option.StoppedEarly);
        Assert.Equal(option.ValidationLoss, rule.ValidationLoss);
        Assert.Equal(option.BestEpoch, rule.BestEpoch);
        Assert.Equal(new PatienceRule(3), rule.StoppedBy);
        Assert.Equal(rule.StoppedBy, option.StoppedBy);
    }

    [Fact]
    public void Bad_rules_are_refused_naming_the_setting()
    {
        Assert.Equal("Epochs", Assert.Throws<ArgumentOutOfRangeException>(() => Stop.Patience(0)).ParamName);
        Assert.Equal("Limit", Assert.Throws<ArgumentOutOfRangeException>(() => Stop.TimeLimit(TimeSpan.Zero)).ParamName);
        Assert.Equal("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => Stop.Steps(0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Stop.ValidationReaches(double.NaN));
        using var model = Autoregressive.Fvsbn(4).Compile(Device.Cpu);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var constructed = new StepLimitRule(-3); // built without the factory's check
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { StopRules = new StopRule[] { constructed } }));
        Assert.Equal("Steps", e.ParamName);
        Assert.Throws<ArgumentException>(() => new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { StopRules = new StopRule[] { null! } }));
    }

    [Fact]
    public void The_README_options_hold_the_three_rules_in_order()
    {
        // README:begin
        var options = new TrainingOptions
        {
            Epochs = 500,
            StopRules = [Stop.Patience(30), Stop.Steps(1_000_000), Stop.TimeLimit(TimeSpan.FromHours(2))],
        };
        // README:end
        Assert.Equal(new StopRule[] { new PatienceRule(30), new StepLimitRule(1_000_000), new TimeLimitRule(TimeSpan.FromHours(2)) }, options.StopRules);
        Assert.Equal(ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Training/StopRuleTests.cs"), ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "var options = new TrainingOptions"));
    }
}
