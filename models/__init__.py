"""The models shipped with digitcam: artifacts, their manifest and the model card."""
