print("nazorg-hub")
