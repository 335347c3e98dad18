"""Default training hyperparameters, importable without TensorFlow (the CLI shows them in --help)."""

EPOCHS = 30
BATCH_SIZE = 128
LEARNING_RATE = 2e-3  # AdamW peak, reached after one warm-up epoch
WEIGHT_DECAY = 4e-3  # decoupled, Keras' AdamW default
WARMUP_EPOCHS = 1
EARLY_STOP_PATIENCE = 8
SEED = 42
SCHEDULES = ("cosine", "plateau")
# Filters in a model's first stage; each later stage doubles them.
WIDTH = 32
# The plain stack has no pooling, so its filters cost more: half as many costs about what the CNN does.
WIDTHS = {"cnn": WIDTH, "resnet": WIDTH, "plain": WIDTH // 2}
SINGLE_ARCHITECTURES = tuple(WIDTHS)
