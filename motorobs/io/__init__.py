"""Input and output at the edges: video files and landmark files."""
