using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// What every quality case shares: the device, the training budget, the statically binarized MNIST splits (or, in quick
/// mode, the 200-image sample embedded in Gen.Core), and one way to train and to score.
/// </summary>
internal sealed class QualityContext
{
    private (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test)? flat;
    private (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test)? images;
    private (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test)? grey;

    /// <summary>Creates the context.</summary>
    /// <param name="device">Where the models train.</param>
    /// <param name="seconds">Training wall time per case.</param>
    /// <param name="quick">Whether to use the embedded sample and small evaluation settings (a check that the harness works, not a result).</param>
    /// <param name="machine">The machine, as written into each row's budget.</param>
    /// <param name="evalSamples">Importance samples for latent-variable models' test log-likelihood.</param>
    public QualityContext(torch.Device device, double seconds, bool quick, string machine, int evalSamples)
    {
        Device = device;
        Seconds = seconds;
        Quick = quick;
        Machine = machine;
        EvalSamples = evalSamples;
    }

    public torch.Device Device { get; }

    public double Seconds { get; }

    public bool Quick { get; }

    public string Machine { get; }

    public int EvalSamples { get; }

    /// <summary>
    /// When set, cases train to convergence instead of for <see cref="Seconds"/>: early stopping on the validation split
    /// with <see cref="Patience"/>, resumable from DIR/CASE/state after any kill, with the learning curve kept in
    /// DIR/CASE/curve.csv and drawn in curve.png.
    /// </summary>
    public string? ConvergeDirectory { get; init; }

    /// <summary>Epochs without a better validation loss before a converging run stops (the MADE paper's look-ahead is 30).</summary>
    public int Patience { get; init; } = 30;

    /// <summary>The most epochs a converging run trains.</summary>
    public int MaxEpochs { get; init; } = 5000;

    /// <summary>The data set name written into the rows.</summary>
    public string Dataset => Quick ? "binarized MNIST, embedded 200-image sample (quick mode)" : "binarized MNIST (Larochelle & Murray), test 10000";

    /// <summary>Train (50000), validation (10000) and test (10000) images as [N, 784] float32 on the device.</summary>
    public (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test) Flat => flat ??= Load(ImageLayout.Flat);

    /// <summary>The same images as [N, 1, 28, 28].</summary>
    public (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test) Images => images ??= Load(ImageLayout.Image);

    /// <summary>
    /// MNIST's 8-bit grey images as [N, 1, 28, 28] float32 pixel values 0..255: the first 50000 training images to train,
    /// the last 10000 to validate, the 10000 test images to test. In quick mode, the embedded binarized sample times 255.
    /// </summary>
    public (torch.Tensor Train, torch.Tensor Valid, torch.Tensor Test) Grey => grey ??= LoadGrey();

    /// <summary>
    /// MNIST's 60000 training and 10000 test images as [N, 784] float32 grey levels in [0, 1] (the probabilities of
    /// dynamic binarisation). In quick mode, the embedded binarized sample's split.
    /// </summary>
    public (torch.Tensor Train, torch.Tensor Test) GreyFlat => greyFlat ??= LoadGreyFlat();

    private (torch.Tensor Train, torch.Tensor Test)? greyFlat;

    private (torch.Tensor, torch.Tensor) LoadGreyFlat()
    {
        if (Quick)
        {
            var (train, _, test) = Flat;
            return (train, test);
        }

        var source = DataSource.Default.WithDownload(false);
        return (Mnist.Load(MnistSplit.Train, Device, ImageLayout.Flat, source).Images.to_type(torch.float32) / 255,
                Mnist.Load(MnistSplit.Test, Device, ImageLayout.Flat, source).Images.to_type(torch.float32) / 255);
    }

    /// <summary>The grey data set name written into the rows.</summary>
    public string GreyDataset => Quick ? "binarized MNIST sample times 255 (quick mode)" : "MNIST, dequantised, test 10000";

    /// <summary>
    /// Trains with Adam (or <paramref name="optimizer"/>) for the budget's wall time (at most 10000 epochs), or to
    /// convergence (<see cref="ConvergeDirectory"/>), validating after every epoch and keeping the best epoch's
    /// parameters. <paramref name="generators"/> are the loss's own, saved with a converging run's state.
    /// </summary>
    public TrainingResult Fit(string name, torch.nn.Module model, torch.Tensor train, torch.Tensor valid, Func<torch.Tensor, Loss> loss, Func<torch.Tensor, torch.Tensor> validationNll,
        int batchSize = 100, double learningRate = 1e-3, IStepOptimizer? optimizer = null, IReadOnlyList<torch.Generator>? generators = null) =>
        Fit(name, model, epoch => Batches.Of(train, batchSize, train.device, order!), train, valid, loss, validationNll, batchSize, learningRate, optimizer, generators);

    /// <summary>A paper's fixed schedule: this many epochs, with the learning rate at each step; no early stopping.</summary>
    public sealed record Schedule(int Epochs, Func<long, double> LearningRate, string Description);

    // The minibatch order of Fit over a tensor: one seeded generator per context, as Trainer.Fit(tensor) keeps one.
    private torch.Generator? order;

    /// <summary>As <see cref="Fit(string, torch.nn.Module, torch.Tensor, torch.Tensor, Func{torch.Tensor, Loss}, Func{torch.Tensor, torch.Tensor}, int, double, IStepOptimizer?, IReadOnlyList{torch.Generator}?)"/>, with each epoch's batches from <paramref name="epochBatches"/> (<paramref name="train"/> only sizes them).</summary>
    public TrainingResult Fit(string name, torch.nn.Module model, Func<int, IEnumerable<torch.Tensor>> epochBatches, torch.Tensor train, torch.Tensor valid, Func<torch.Tensor, Loss> loss,
        Func<torch.Tensor, torch.Tensor> validationNll, int batchSize = 100, double learningRate = 1e-3, IStepOptimizer? optimizer = null, IReadOnlyList<torch.Generator>? generators = null,
        Schedule? schedule = null)
    {
        order?.Dispose();
        order = Seed.Generator(1);
        using var adam = optimizer is null ? new FusedAdam(model.parameters(), learningRate) : null;
        var options = new TrainingOptions { Epochs = 10000, BatchSize = batchSize, Seed = 1, TimeLimit = TimeSpan.FromSeconds(Seconds), CheckFiniteEvery = 100, ProgressEvery = 1000 };
        var callbacks = new List<ITrainingCallback>();
        string? folder = ConvergeDirectory is string root ? Path.Combine(root, name) : null;
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            options = options with { Epochs = MaxEpochs, TimeLimit = null, Patience = Patience, ResumeDirectory = Path.Combine(folder, "state"), ResumeInterval = TimeSpan.FromMinutes(3) };
            callbacks.Add(new CurveFile(Path.Combine(folder, "curve.csv")));
        }

        if (schedule is not null)
        {
            // The paper's schedule replaces early stopping; within a time budget it is cut short.
            options = options with { LearningRate = schedule.LearningRate, Epochs = Math.Min(options.Epochs, schedule.Epochs), Patience = null };
        }

        var trainer = new Trainer(model, optimizer ?? adam!, loss, options)
        {
            Validation = validationNll,
            Callbacks = callbacks,
            Generators = new[] { order }.Concat(generators ?? Array.Empty<torch.Generator>()).ToArray(),
        };
        model.train();
        var result = trainer.Fit(epochBatches, valid, new Progress(name));
        model.eval();
        if (folder is not null)
        {
            var epochs = Enumerable.Range(1, result.Epochs).Select(e => (double)e).ToArray();
            TrainingCurves.Render(new[] { Series.Of("training", epochs, result.TrainingLoss), Series.Of("validation", epochs, result.ValidationLoss) },
                CurveOptions.Default.WithTitle(name).WithLabels("epoch", "NLL, nats (per example)").WithSize(640, 400)).Save(Path.Combine(folder, "curve.png"));
        }

        return result;
    }

    /// <summary>
    /// Trains a GAN for the budget's wall time with the non-saturating loss, one critic step per generator step, Adam
    /// with β = (0.5, 0.999) for both players (or the objective, steps, rates and β given), on batches of <paramref name="batch"/> rows drawn with replacement from
    /// <paramref name="pool"/>; returns the generator steps taken and the wall time.
    /// </summary>
    public (long Steps, TimeSpan Elapsed) TrainGan(GanModel model, torch.Tensor pool, int batch, double learningRate, torch.Tensor? labels = null, AdversarialLoss? objective = null, int criticSteps = 1, double beta1 = 0.5, double beta2 = 0.999,
        double? criticLearningRate = null)
    {
        using var generatorOptimizer = new FusedAdam(model.GeneratorParameters(), learningRate, beta1, beta2);
        using var criticOptimizer = new FusedAdam(model.DiscriminatorParameters(), criticLearningRate ?? learningRate, beta1, beta2);
        using var trainer = new GanTrainer(model, objective ?? Objective.NonSaturating, criticSteps, generatorOptimizer, criticOptimizer);
        using var random = Seed.Generator(1);
        model.CheckValues = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long steps = 0;
        while (clock.Elapsed.TotalSeconds < Seconds)
        {
            trainer.Step(
                () =>
                {
                    var index = DeviceRandom.Integers(pool.shape[0], new long[] { batch }, Device, random);
                    return new GanBatch(pool.index_select(0, index), labels?.index_select(0, index));
                },
                random);
            steps++;
        }

        model.eval();
        return (steps, clock.Elapsed);
    }

    /// <summary>The mean of a per-example value over <paramref name="data"/>, without gradient, in chunks.</summary>
    public static double Mean(Func<torch.Tensor, torch.Tensor> perExample, torch.Tensor data, int chunk)
    {
        using var noGrad = torch.no_grad();
        double sum = 0;
        long n = data.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            sum += perExample(data.narrow(0, start, Math.Min(chunk, n - start))).to_type(torch.float64).sum().item<double>();
        }

        return sum / n;
    }

    /// <summary>"140 s of training (12 epochs, 6000 steps; best epoch 11), batch 100, Adam lr 0.001, on MACHINE".</summary>
    public string Budget(TrainingResult result, int batchSize = 100, double learningRate = 1e-3, string? extra = null, string optimizer = "Adam") =>
        ConvergeDirectory is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"{result.Elapsed.TotalSeconds:F0} s of training ({result.Epochs} epochs{(result.ReachedTimeLimit ? ", the last partial" : "")}, {result.Steps} steps; best validation epoch {result.BestEpoch}), batch {batchSize}, {optimizer} lr {learningRate}{extra}, on {Machine}")
            : string.Create(CultureInfo.InvariantCulture,
                $"trained to convergence: {result.Epochs} epochs, {result.Steps} steps, {(result.StoppedEarly ? $"stopped after {Patience} epochs without a better validation NLL" : "the epoch limit reached")}, best validation epoch {result.BestEpoch}; {result.Elapsed.TotalHours:F2} hours on one thread of {Machine}; batch {batchSize}, {optimizer} lr {learningRate}{extra}");

    private (torch.Tensor, torch.Tensor, torch.Tensor) LoadGrey()
    {
        if (Quick)
        {
            var (train, valid, test) = Images;
            return (train * 255, valid * 255, test * 255);
        }

        var source = DataSource.Default.WithDownload(false);
        var all = Mnist.Load(MnistSplit.Train, Device, ImageLayout.Image, source).Images.to_type(torch.float32);
        var testImages = Mnist.Load(MnistSplit.Test, Device, ImageLayout.Image, source).Images.to_type(torch.float32);
        return (all.narrow(0, 0, 50000), all.narrow(0, 50000, 10000), testImages);
    }

    private (torch.Tensor, torch.Tensor, torch.Tensor) Load(ImageLayout layout)
    {
        if (Quick)
        {
            var sample = BinarizedMnist.LoadSample(Device, layout);
            var split = DataSplit.Shuffled(sample, testFraction: 0.2, seed: 0);
            return (split.Train, split.Test, split.Test);
        }

        var source = DataSource.Default.WithDownload(false);
        return (BinarizedMnist.Load(BinarizedMnistSplit.Train, Device, layout, source),
                BinarizedMnist.Load(BinarizedMnistSplit.Valid, Device, layout, source),
                BinarizedMnist.Load(BinarizedMnistSplit.Test, Device, layout, source));
    }

    // The learning curve as CSV, rewritten after every epoch; a resumed run drops the lines of epochs it redoes.
    private sealed class CurveFile : ITrainingCallback
    {
        private readonly string path;

        public CurveFile(string path) => this.path = path;

        public void OnEpochEnd(TrainingEpoch epoch)
        {
            var kept = File.Exists(path)
                ? File.ReadAllLines(path).Skip(1).Where(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture) < epoch.Epoch).ToList()
                : new List<string>();
            kept.Add(string.Create(CultureInfo.InvariantCulture, $"{epoch.Epoch},{epoch.Step},{epoch.TrainingLoss:R},{epoch.ValidationLoss:R},{DateTime.UtcNow:O}"));
            var temp = path + ".tmp";
            File.WriteAllLines(temp, new[] { "epoch,step,train_nll,valid_nll,utc" }.Concat(kept));
            File.Move(temp, path, overwrite: true);
        }
    }

    // An epoch's line on standard error at most every 15 seconds, so a long run shows that it is alive.
    private sealed class Progress : IProgress<TrainingProgress>
    {
        private readonly string name;
        private TimeSpan? last;

        public Progress(string name) => this.name = name;

        public void Report(TrainingProgress value)
        {
            if (value.EndOfEpoch && (last is null || value.Elapsed - last.Value >= TimeSpan.FromSeconds(15)))
            {
                last = value.Elapsed;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: epoch {value.Epoch}, step {value.Step}, train {value.Loss:F2}, valid {value.ValidationLoss:F2}, {value.Elapsed.TotalSeconds:F0} s"));
            }
        }
    }
}
