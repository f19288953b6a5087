import ArgumentParser
print("floor")
