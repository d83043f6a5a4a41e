"""Write the shipped evaluation samples (the test splits) to samples/: `python scripts/write_samples.py`."""

from explorer.data import DATASETS, write_sample

if __name__ == "__main__":
    for name in DATASETS:
        print(write_sample(name))
